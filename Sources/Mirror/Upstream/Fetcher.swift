public import Logging
public import ServiceLifecycle

/// The one long-running service that talks to AniDB: one request at a time from the persistent refresh
/// queue, never faster, more often or more persistently than `UpstreamLimits` allow, counted in SQLite so
/// a restart or crash resets nothing.
public final class Fetcher: Service, Sendable {
    let store: MirrorStore
    /// The queue, the request ledger and the ban: `store` on one machine, shared in a cluster.
    public let ledger: any UpstreamLedger
    let transport: any AniDBTransport
    let clock: any MirrorClock
    let settings: FetcherSettings
    let metrics: MirrorMetrics
    let logger: Logger
    let parser = AnimeDocumentParser()
    let waiters = FetchWaiters()
    let wake = WakeSignal()
    /// Signalled when an upstream request settles here or on another instance, and when a titles dump arrives:
    /// what waits for the titles dump (matching) looks again then instead of polling.
    public let upstreamChanged = ChangeSignal()
    /// While the loop waits: until when (nil: for new work only). What lets a caller tell "nothing more will happen
    /// before the clock moves" from "nothing has happened yet".
    private let parked = LockedBox<Double??>(nil)
    /// Stale aids queued since start-up, so serving a stale document costs a database write only once.
    let queuedStale = LockedBox(Set<Int>())
    /// 0..<1, for back-off jitter; injected so tests are repeatable.
    let random: @Sendable () -> Double

    public init(
        store: MirrorStore,
        ledger: (any UpstreamLedger)? = nil,
        transport: any AniDBTransport,
        clock: any MirrorClock = SystemClock(),
        settings: FetcherSettings,
        metrics: MirrorMetrics = MirrorMetrics(),
        logger: Logger,
        random: @escaping @Sendable () -> Double = { Double.random(in: 0..<1) }
    ) {
        self.store = store
        self.ledger = ledger ?? store
        self.transport = transport
        self.clock = clock
        self.settings = settings
        self.metrics = metrics
        self.logger = logger
        self.random = random
    }

    var limits: UpstreamLimits { settings.limits }

    /// False when no AniDB client is configured: nothing is ever fetched.
    public var isFetching: Bool { settings.isEnabled }

    // MARK: - Service

    public func run() async throws {
        defer { waiters.settleAll(with: .failed("the mirror is shutting down")) }
        guard settings.isEnabled else {
            logger.notice("AniDB fetching is off: set mirror.client and mirror.clientver to fetch missing and stale anime")
            try? await gracefulShutdown()
            await transport.shutdown()
            return
        }
        do {
            try await cancelWhenGracefulShutdown {
                try await self.ledger.asFetcher(logger: self.logger) {
                    await self.sayWhatHoldsUp()
                    await self.loop()
                }
            }
        } catch {
            if !Task.isCancelled { logger.error("fetcher stopped: \(settings.redact(String(describing: error)))") }
        }
        await transport.shutdown()
    }

    /// Says at the start of fetching what keeps it from AniDB, if anything.
    private func sayWhatHoldsUp() async {
        guard let state = try? await ledger.upstreamState() else { return }
        if let error = state.clientError, state.clientErrorFor == settings.clientKey {
            logger.critical("AniDB fetching is stopped: AniDB refused this client (\(error)); fix mirror.client/clientver")
        }
        if state.isBanned(at: clock.now()), let until = state.bannedUntil {
            logger.warning("AniDB ban pause in effect until \(Self.iso(until)); serving from cache only")
        }
    }

    /// Work arrived that another instance queued: look at the queue again.
    public func workArrived() { wake.signal() }

    /// Another instance's fetch of `aid` ended (its document is in this instance's store when `.stored`).
    public func landed(_ aid: Int, _ event: FetchEvent) {
        queuedStale.withLock { _ = $0.remove(aid) }
        waiters.settle(aid, with: event)
        upstreamChanged.signal()
    }

    private func loop() async {
        while !Task.isCancelled {
            do {
                switch try await nextStep(now: clock.now()) {
                case .idle:
                    parked.withLock { $0 = .some(nil) }
                    await wake.wait()
                    parked.withLock { $0 = nil }
                case .wait(let until):
                    parked.withLock { $0 = .some(until) }
                    await wake.wait(until: until, clock: clock)
                    parked.withLock { $0 = nil }
                case .anime(let aid): try await fetchAnime(aid)
                case .titles: try await fetchTitles()
                }
            } catch {
                if Task.isCancelled { return }
                // The database failed; nothing upstream happened that is not logged. Try again later.
                logger.error("fetcher: \(settings.redact(String(describing: error)))")
                try? await clock.sleep(until: clock.now() + 60)
            }
        }
    }

    /// The loop is waiting with nothing due at `now` and no work signalled: until the clock passes its deadline or
    /// new work arrives, it sends nothing upstream.
    public func isIdle(now: Double) -> Bool {
        guard let deadline = parked.withLock({ $0 }), wake.isWaiting else { return false }
        return deadline.map { $0 > now } ?? true
    }

    enum Step: Equatable {
        case idle
        case wait(until: Double)
        case anime(Int)
        case titles
    }

    /// What to do now: fetch, wait until a time (or new work), or wait for new work.
    func nextStep(now: Double) async throws -> Step {
        let state = try await ledger.upstreamState()
        if state.clientError != nil && state.clientErrorFor == settings.clientKey { return .idle }
        let titlesRetry = state.titlesAttemptedAt.map { $0 + UpstreamLimits.day } ?? now
        let titlesDue = state.titlesWanted && titlesRetry <= now
        let starts = try await ledger.upstreamStarts(now: now)
        // The library's wishes use only part of the day's budget: clients asking later still get theirs.
        let libraryResume = limits.libraryResume(starts: starts)
        let queued = try await ledger.nextQueued(now: now, includeLibrary: libraryResume == nil)
        guard titlesDue || queued.aid != nil else {
            let retries = [queued.retryAt, state.titlesWanted ? titlesRetry : nil, libraryResume].compactMap { $0 }
            return retries.min().map { .wait(until: $0) } ?? .idle
        }
        let earliest = limits.earliestStart(now: now, starts: starts, notBefore: state.notBefore)
        if earliest > now { return earliest.isFinite ? .wait(until: earliest) : .idle }
        if titlesDue { return .titles }
        return queued.aid.map { .anime($0) } ?? .idle
    }

    // MARK: - Fetching one anime

    func fetchAnime(_ aid: Int) async throws {
        defer { upstreamChanged.signal() }
        let started = clock.now()
        // Nil: another instance asked AniDB a moment ago; the loop plans again.
        guard let request = try await ledger.beginUpstreamRequest(target: "anime", aid: aid, now: started, limits: limits)
        else {
            try? await clock.sleep(until: started + 1)
            return
        }
        let reply: AniDBReply
        do {
            let response = try await transport.get(settings.animeURL(aid))
            reply = AniDBReply.classify(
                status: response.status,
                body: response.body,
                aid: aid,
                fetchedAt: clock.now(),
                parser: parser
            )
        } catch {
            reply = .transient(settings.redact(error.description))
        }
        try await ledger.requestAnswered(request, at: clock.now())
        metrics.upstreamRequest(target: "anime", outcome: reply.outcome)
        queuedStale.withLock { _ = $0.remove(aid) }
        let now = clock.now()
        switch reply {
        case .document(let document):
            // AniDB's bytes as they came, beside the database: a seed folder that can rebuild it.
            do {
                try AtomicFile.write(document.xml, to: "\(settings.dataDirectory)/anidb/\(aid).xml")
            } catch {
                logger.error("cannot keep the AniDB copy of anime \(aid): \(error)")
            }
            try await ledger.storeFetched(document, request: request, now: now) {
                $0.consecutiveFailures = 0
                $0.backoffUntil = nil
            }
            logger.info("fetched anime \(aid) from AniDB (\(document.xml.count) bytes)")
            waiters.settle(aid, with: .stored)
        case .notFound:
            try await ledger.settle(
                request: request,
                aid: aid,
                outcome: reply.outcome,
                detail: nil,
                dequeue: true,
                countsAttempt: true,
                notFoundAt: now
            ) {
                $0.consecutiveFailures = 0
                $0.backoffUntil = nil
            }
            logger.info("AniDB has no anime \(aid)")
            waiters.settle(aid, with: .notFound)
        case .banned(let reason):
            let until = now + limits.banPause
            try await ledger.settle(
                request: request,
                aid: aid,
                outcome: reply.outcome,
                detail: reason,
                dequeue: false,
                countsAttempt: false,
                notFoundAt: nil
            ) {
                $0.bannedUntil = until
                $0.banReason = reason
                $0.lastError = "banned: \(reason)"
                $0.lastErrorAt = now
            }
            logger.critical("AniDB banned us (\(reason)): no upstream requests until \(Self.iso(until)); serving from cache")
            waiters.settle(aid, with: .failed("AniDB has banned this mirror until \(Self.iso(until))"))
        case .clientError(let message):
            let key = settings.clientKey
            try await ledger.settle(
                request: request,
                aid: aid,
                outcome: reply.outcome,
                detail: message,
                dequeue: false,
                countsAttempt: false,
                notFoundAt: nil
            ) {
                $0.clientError = message
                $0.clientErrorFor = key
                $0.lastError = "client error: \(message)"
                $0.lastErrorAt = now
            }
            logger.critical(
                "AniDB refused our client (\(message)): fetching is stopped until mirror.client/clientver are fixed"
            )
            waiters.settle(aid, with: .failed("AniDB refused this mirror's client: \(message)"))
        case .transient(let message), .invalid(let message):
            let isTransient = reply.outcome == .transient
            let jitter = 0.5 + random() / 2
            try await ledger.settle(
                request: request,
                aid: aid,
                outcome: reply.outcome,
                detail: message,
                dequeue: false,
                countsAttempt: true,
                notFoundAt: nil
            ) {
                if isTransient {
                    $0.consecutiveFailures += 1
                    let delay = min(3600, self.limits.minInterval * Double(1 << min($0.consecutiveFailures, 12)))
                    $0.backoffUntil = now + delay * jitter
                }
                $0.lastError = "anime \(aid): \(message)"
                $0.lastErrorAt = now
            }
            logger.warning("upstream request for anime \(aid) failed (\(reply.outcome)): \(message)")
            waiters.settle(aid, with: .failed("the upstream request failed: \(message)"))
        }
    }

    static func iso(_ time: Double) -> String { ISOTime.format(time) }
}
