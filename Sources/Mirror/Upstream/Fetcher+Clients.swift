/// How a served document came to be there, as the `X-Cache` header says it.
public enum CacheResult: String, Sendable {
    /// Stored and fresh.
    case hit = "HIT"
    /// Stored but older than the stale period: served, and queued for refresh.
    case stale = "STALE"
    /// Fetched from AniDB while the client waited.
    case fetched = "MISS"
}

/// What a client asking for an aid gets.
public enum Lookup: Sendable {
    /// The document, and how it came to be there.
    case document(ServedBuffer, CacheResult)
    /// AniDB said it has no such anime, less than the stale period ago.
    case notFound
    /// Queued for fetching.
    case queued(QueueEstimate)
    /// The queue is at capacity.
    case queueFull
}

/// Where a queued aid stands and an honest guess at when it will be fetched.
public struct QueueEstimate: Sendable, Equatable {
    public var position: Int
    public var queueSize: Int
    /// When its upstream request should start (Unix seconds); nil when fetching is off or stopped.
    public var fetchAt: Double?
    /// Why it may take long: a ban, a stop, the daily budget; nil when nothing unusual holds it up.
    public var holdUp: String?
}

extension Fetcher {
    /// Serves `aid` from the store, queueing it when missing or stale. Never waits for AniDB.
    public func lookup(aid: Int, mature: Bool) async throws -> Lookup {
        let now = clock.now()
        if let document = try await store.servedBuffer(aid: aid, mature: mature) {
            let stale = now - document.fetchedAt >= limits.staleAfter
            metrics.documentLookup(stale ? "stale" : "hit")
            if stale && queuedStale.withLock({ $0.insert(aid).inserted }) {
                if try await ledger.enqueue(aid: aid, priority: .stale, now: now) == .full {
                    queuedStale.withLock { _ = $0.remove(aid) }  // full: try again on a later request
                }
                wake.signal()
            }
            return .document(document, stale ? .stale : .hit)
        }
        metrics.documentLookup("miss")
        if let checked = try await ledger.notFoundAt(aid: aid), now - checked < limits.staleAfter {
            return .notFound
        }
        switch try await ledger.enqueue(aid: aid, priority: .missing, now: now) {
        case .full:
            return .queueFull
        case .alreadyStored:
            // Fetched between the read above and the enqueue; in a cluster, perhaps by another instance, and on its
            // way into this one's store: a moment's wait (the replica settles waiting clients when it lands).
            guard let document = try await store.servedBuffer(aid: aid, mature: mature) else {
                return .queued(QueueEstimate(position: 1, queueSize: try await ledger.queueSize(), fetchAt: now))
            }
            return .document(document, .fetched)
        case .queued(let position):
            wake.signal()
            let estimate = try await estimate(position, aid: aid, now: now)
            // The fetcher, woken above, may have asked AniDB and stored the answer before the estimate was made (it
            // then counts its own request as the spacing to wait): the document is there, so it is the answer.
            if let document = try await store.servedBuffer(aid: aid, mature: mature) { return .document(document, .fetched) }
            return .queued(estimate)
        }
    }

    /// `lookup`, then, for a queued aid, up to `waitSeconds` for the fetch: the document once it is stored,
    /// `.notFound` if AniDB has no such anime, else the queue estimate as it stands when the wait ends.
    /// Any number of clients may wait on one aid; they cause one upstream request.
    public func lookup(aid: Int, mature: Bool, waitSeconds: Double) async throws -> Lookup {
        guard waitSeconds > 0 else { return try await lookup(aid: aid, mature: mature) }
        let ticket = waiters.register(aid)
        let first: Lookup
        do { first = try await lookup(aid: aid, mature: mature) } catch {
            waiters.cancel(ticket)
            throw error
        }
        // Waiting only makes sense if the fetch can happen within the wait (not while off, stopped or banned).
        guard case .queued(let estimate) = first, let fetchAt = estimate.fetchAt, fetchAt <= clock.now() + waitSeconds
        else {
            // Not waiting; but a fetch may have finished since the lookup. The fetcher stores the document and
            // records its request before it tells the waiters, so in between the estimate already says "asked
            // today" while the ticket has heard nothing: look at the store itself, not only at the ticket.
            let settled = waiters.cancel(ticket)
            var mayBeStored = settled == .stored
            if case .queued = first { mayBeStored = true }
            if mayBeStored, let document = try await store.servedBuffer(aid: aid, mature: mature) {
                return .document(document, .fetched)
            }
            return first
        }
        switch await waiters.wait(ticket, until: clock.now() + waitSeconds, clock: clock) {
        case .stored:
            if let document = try await store.servedBuffer(aid: aid, mature: mature) { return .document(document, .fetched) }
        case .notFound:
            return .notFound
        case .failed, nil:
            break
        }
        guard let position = try await ledger.queuePosition(of: aid, now: clock.now()) else { return .queued(estimate) }
        return .queued(try await self.estimate(position, aid: aid, now: clock.now()))
    }

    /// The estimate for an aid at `position` in the queue.
    func estimate(_ position: QueuePosition, aid: Int, now: Double) async throws -> QueueEstimate {
        var estimate = QueueEstimate(position: position.position, queueSize: position.queueSize)
        guard settings.isEnabled else {
            estimate.holdUp = "fetching from AniDB is off on this mirror (no AniDB client configured)"
            return estimate
        }
        let state = try await ledger.upstreamState()
        if let error = state.clientError, state.clientErrorFor == settings.clientKey {
            estimate.holdUp = "fetching is stopped: AniDB refused this mirror's client (\(error))"
            return estimate
        }
        // The starts are read before this aid's last request: a request the fetcher begins in between then shows as
        // this aid's own, in flight, rather than as another's spacing to wait (a CI run saw "in 4 s" so).
        let starts = try await ledger.upstreamStarts(now: now)
        let last = try await ledger.lastUpstreamRequest(aid: aid)
        if let last, last.inFlight, now - last.startedAt < 120 {
            estimate.fetchAt = now  // being fetched right now
            return estimate
        }
        // Requests ahead: the queue before it, and the titles dump when that is due too.
        let ahead = position.position + (state.titlesWanted ? 1 : 0)
        var fetchAt = limits.estimatedStart(ofRequest: ahead, now: now, starts: starts, notBefore: state.notBefore)
        // The same aid is never asked twice within 24 hours.
        if let last { fetchAt = max(fetchAt, last.startedAt + UpstreamLimits.day) }
        estimate.fetchAt = fetchAt.isFinite ? fetchAt : nil
        if state.isBanned(at: now), let until = state.bannedUntil {
            estimate.holdUp = "AniDB has banned this mirror until \(Self.iso(until))"
        } else if let last, last.startedAt + UpstreamLimits.day > now {
            estimate.holdUp =
                "AniDB was asked for it at \(Self.iso(last.startedAt)) and is asked at most once a day per anime"
        } else if starts.count + ahead > limits.dailyLimit {
            estimate.holdUp = "the daily budget of \(limits.dailyLimit) AniDB requests is used up"
        }
        return estimate
    }

    /// Seconds a client should wait before asking again.
    public func retryAfter(_ estimate: QueueEstimate) -> Int {
        guard let fetchAt = estimate.fetchAt else { return 3600 }
        // A little after the request should have gone out, so the answer is there when the client comes back.
        return max(1, Int((fetchAt - clock.now()).rounded(.up)) + 2)
    }

    /// The fetcher's standing for `/stats` and `/metrics`.
    public func snapshot() async throws -> UpstreamSnapshot {
        let now = clock.now()
        let state = try await ledger.upstreamState()
        let counts = try await store.statusCounts()
        let queueSize = try await ledger.queueSize()
        let starts = try await ledger.upstreamStarts(now: now)
        let stopped = state.clientError != nil && state.clientErrorFor == settings.clientKey
        let next = limits.earliestStart(now: now, starts: starts, notBefore: state.notBefore)
        return UpstreamSnapshot(
            enabled: settings.isEnabled,
            cachedAnime: counts.anime,
            restrictedAnime: counts.restricted,
            queueSize: queueSize,
            clientsWaiting: waiters.count,
            requestsLast24h: starts.count,
            requestsLeft24h: max(0, limits.dailyLimit - starts.count),
            dailyLimit: limits.dailyLimit,
            nextRequestAt: settings.isEnabled && !stopped && next.isFinite ? next : nil,
            bannedUntil: state.isBanned(at: now) ? state.bannedUntil : nil,
            banReason: state.isBanned(at: now) ? state.banReason : nil,
            clientError: stopped ? state.clientError : nil,
            lastError: state.lastError,
            lastErrorAt: state.lastErrorAt,
            titlesFetchedAt: state.titlesFetchedAt,
            titlesDumpAnime: counts.dumpAnime
        )
    }
}
