import Foundation
public import Logging
public import Mirror
import NIOCore
public import Numbering
public import PostgresNIO

/// The upstream ledger shared by every instance of a cluster, in PostgreSQL: one refresh queue, one request
/// ledger, one ban, one not-found memory, so the instances spend AniDB's budget as one client.
///
/// Who may fetch is decided in the database twice over: one instance at a time holds the fetcher role (a
/// session advisory lock, released by PostgreSQL the moment that instance's connection dies), and every request
/// is checked against the ledger and written to it in one transaction under a second lock, so even two
/// instances that both believed they fetch could not break the spacing, the daily limit or the once-a-day rule.
public final class PostgresLedger: UpstreamLedger {
    let client: PostgresClient
    /// This instance's own store: fetched documents are written to it as well, so it serves them at once.
    let local: MirrorStore
    /// Who this is, in the request ledger and in notifications (`host:pid`).
    public let instance: String
    let logger: Logger
    /// How often a standby instance tries to take the fetcher role.
    let takeoverPoll: Duration
    /// What a client's request waits for the database at most (`mirror.database_timeout_secs`), then it gets 503.
    let answerWithin: Double
    private let schema = LockedBox<Task<Void, any Error>?>(nil)
    private let role = LockedBox(false)

    public init(
        client: PostgresClient,
        local: MirrorStore,
        instance: String,
        logger: Logger,
        takeoverPoll: Duration = .seconds(5),
        answerWithin: Double = 10
    ) {
        self.answerWithin = answerWithin
        self.client = client
        self.local = local
        self.instance = instance
        self.logger = logger
        self.takeoverPoll = takeoverPoll
    }

    /// Whether this instance holds the fetcher role right now.
    public var isFetcher: Bool { role.withLock { $0 } }

    /// Creates the tables once per process, before anything reads them; a failed try is tried again.
    func ready() async throws {
        let task = schema.withLock { task in
            if let task { return task }
            let made = Task { try await PostgresMirrorSchema.create(on: self.client, logger: self.logger) }
            task = made
            return made
        }
        // Waited for under a deadline (which also answers cancellation at once): the task is shared, not this
        // caller's, so a shutdown must not wait for a database that does not answer.
        do {
            try await withDeadline(answerWithin, "creating the shared tables") { try await task.value }
        } catch let error as LedgerUnavailable {
            throw error
        } catch is CancellationError {
            throw CancellationError()
        } catch {
            schema.withLock { $0 = nil }
            throw error
        }
    }

    /// The work a client's request waits for, bounded by `answerWithin`: the pool would wait for a database that
    /// does not answer (a partition, a firewall dropping packets) for as long as that lasts.
    @discardableResult
    func bounded<T: Sendable>(_ what: String, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(answerWithin, what, work)
    }

    /// One step of the fetcher's own work (the next aid, a request begun or settled, a document or a file shared):
    /// bounded too, more patiently (it may write a large file), so that a graceful stop never waits on a database
    /// that went silent in the middle of it: the deadline answers cancellation at once, and a query PostgresNIO
    /// sent into a partition does not (a stop under load waited for the whole stop timeout, 120 s, in a test).
    /// A write given up on may still commit later: a request begun stays marked in flight and counts against the
    /// budget until the next fetcher marks it interrupted, which errs on the side of asking AniDB less.
    @discardableResult
    func step<T: Sendable>(_ what: String, _ work: @escaping @Sendable () async throws -> T) async throws -> T {
        try await withDeadline(max(answerWithin, 30), what, work)
    }

    // MARK: - The fetcher role

    public func asFetcher(logger: Logger, _ work: @escaping @Sendable () async -> Void) async throws {
        var announcedStandby = false
        while !Task.isCancelled {
            do {
                try await ready()
                try await client.withConnection { connection in
                    // A machine that vanishes without closing its connection is noticed within about 25 s.
                    // Every query on this connection is bounded: one whose server has gone may never answer, and does
                    // not end when its task is cancelled (it held a graceful stop forever).
                    try await bounded("the fetcher role's keepalives") {
                        try await connection.query(
                            """
                            SELECT set_config('tcp_keepalives_idle', '10', false), set_config('tcp_keepalives_interval', '5', false),
                                set_config('tcp_keepalives_count', '3', false)
                            """,
                            logger: logger
                        )
                    }
                    while try await !bounded(
                        "the fetcher lock",
                        {
                            try await Self.bool(
                                connection.query("SELECT pg_try_advisory_lock(\(PostgresMirrorSchema.fetcherLock))", logger: logger)
                            )
                        }
                    ) {
                        if !announcedStandby {
                            logger.notice("another instance fetches from AniDB for the cluster; this one stands by to take over")
                            announcedStandby = true
                        }
                        try await Task.sleep(for: takeoverPoll)
                    }
                    announcedStandby = false
                    role.withLock { $0 = true }
                    defer { role.withLock { $0 = false } }
                    do {
                        // Whatever is still in flight belonged to an instance that is gone: counted, marked.
                        try await bounded("marking interrupted requests") {
                            try await connection.query(
                                "UPDATE mirror_upstream_request SET outcome = 'interrupted' WHERE outcome IS NULL",
                                logger: logger
                            )
                        }
                        logger.notice("this instance now fetches from AniDB for the cluster (\(instance))")
                        try await withThrowingTaskGroup(of: Void.self) { group in
                            group.addTask { await work() }
                            // The role lasts as long as the connection holding the lock: check it, and stop fetching
                            // the moment it is gone (another instance may take over then).
                            group.addTask {
                                while true {
                                    try await Task.sleep(for: .seconds(2))
                                    try await self.bounded("the fetcher role's check") { try await connection.query("SELECT 1", logger: logger) }
                                }
                            }
                            try await group.next()
                            group.cancelAll()
                        }
                        // A stop closes the connection (below) rather than asking a database that may be gone.
                        try Task.checkCancellation()
                        try await bounded("the fetcher unlock") {
                            try await connection.query("SELECT pg_advisory_unlock(\(PostgresMirrorSchema.fetcherLock))", logger: logger)
                        }
                    } catch {
                        // However the role ended (a shutdown, a lost connection), the lock must not stay behind on a
                        // connection the pool hands out again: closing it is what releases it for certain. Waited
                        // for even when the task is cancelled (a new task does not inherit that), a few seconds at
                        // most: the connection is then gone before another takes the role in this process.
                        await Task {
                            try? await withDeadline(min(self.answerWithin, 3), "closing the fetcher role's connection") {
                                try await connection.close()
                            }
                        }.value
                        throw error
                    }
                }
                if Task.isCancelled { return }
            } catch {
                if Task.isCancelled { return }
                logger.error("the cluster's fetcher role: \(String(reflecting: error)); trying again")
                try? await Task.sleep(for: .seconds(2))
            }
        }
    }

    // MARK: - State

    public func upstreamState() async throws -> UpstreamState {
        try await bounded("upstreamState") { [self] in
            try await ready()
            return try await Self.state(from: client.query("SELECT state FROM mirror_upstream_state WHERE id = 1", logger: logger))
        }
    }

    @discardableResult
    public func updateUpstreamState(_ change: @Sendable @escaping (inout UpstreamState) -> Void) async throws -> UpstreamState {
        try await step("updateUpstreamState") { [self] in
            try await ready()
            return try await client.withTransaction(logger: logger) { connection in
                try await Self.changeState(change, on: connection, logger: self.logger)
            }
        }
    }

    static func changeState(
        _ change: (inout UpstreamState) -> Void,
        on connection: PostgresConnection,
        logger: Logger
    ) async throws -> UpstreamState {
        var state = try await state(
            from: connection.query("SELECT state FROM mirror_upstream_state WHERE id = 1 FOR UPDATE", logger: logger)
        )
        change(&state)
        let text = String(decoding: try JSONEncoder().encode(state), as: UTF8.self)
        try await connection.query("UPDATE mirror_upstream_state SET state = \(text) WHERE id = 1", logger: logger)
        return state
    }

    static func state(from rows: PostgresRowSequence) async throws -> UpstreamState {
        for try await text in rows.decode(String.self) {
            return try JSONDecoder().decode(UpstreamState.self, from: Data(text.utf8))
        }
        return UpstreamState()
    }

    // MARK: - Requests

    public func upstreamStarts(now: Double) async throws -> [Double] {
        try await bounded("upstreamStarts") { [self] in
            try await ready()
            return try await Self.starts(on: nil, client: client, now: now, logger: logger)
        }
    }

    static func starts(on connection: PostgresConnection?, client: PostgresClient, now: Double, logger: Logger) async throws -> [Double] {
        let query: PostgresQuery =
            "SELECT started_at FROM mirror_upstream_request WHERE started_at > \(now - UpstreamLimits.day) ORDER BY started_at"
        let rows: PostgresRowSequence
        if let connection {
            rows = try await connection.query(query, logger: logger)
        } else {
            rows = try await client.query(query, logger: logger)
        }
        return try await Self.all(rows.decode(Double.self))
    }

    public func beginUpstreamRequest(target: String, aid: Int?, now: Double, limits: UpstreamLimits) async throws -> Int64? {
        try await step("beginUpstreamRequest") { [self] in
            try await ready()
            let instance = self.instance
            return try await client.withTransaction(logger: logger) { connection -> Int64? in
                let logger = self.logger
                try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMirrorSchema.ledgerLock))", logger: logger)
                let starts = try await Self.starts(on: connection, client: self.client, now: now, logger: logger)
                let state = try await Self.state(
                    from: connection.query("SELECT state FROM mirror_upstream_state WHERE id = 1", logger: logger)
                )
                guard limits.earliestStart(now: now, starts: starts, notBefore: state.notBefore) <= now else { return nil }
                if let aid {
                    let asked = try await connection.query(
                        """
                        SELECT 1 FROM mirror_upstream_request
                        WHERE aid = \(aid) AND target = 'anime' AND started_at > \(now - UpstreamLimits.day)
                        """,
                        logger: logger
                    )
                    if try await Self.any(asked) { return nil }
                }
                let rows = try await connection.query(
                    """
                    INSERT INTO mirror_upstream_request (started_at, target, aid, instance)
                    VALUES (\(now), \(target), \(aid), \(instance)) RETURNING id
                    """,
                    logger: logger
                )
                return try await Self.all(rows.decode(Int64.self)).first
            }
        }
    }

    public func requestAnswered(_ id: Int64, at time: Double) async throws {
        try await step("requestAnswered") { [self] in
            try await client.query(
                "UPDATE mirror_upstream_request SET started_at = GREATEST(started_at, \(time)) WHERE id = \(id)",
                logger: logger
            )
        }
    }

    public func storeFetched(
        _ document: StoredDocument,
        request id: Int64,
        now: Double,
        state change: @Sendable @escaping (inout UpstreamState) -> Void
    ) async throws {
        try await step("storeFetched") { [self] in
            try await ready()
            let aid = document.document.aid
            let note = LedgerNotification.stored(aid: aid, instance: instance)
            try await client.withTransaction(logger: logger) { connection in
                let logger = self.logger
                try await PostgresDocuments.upsert([PostgresDocuments.Row(document, storedAt: now)], on: connection, logger: logger)
                try await Self.finish(request: id, outcome: .ok, detail: nil, on: connection, logger: logger)
                try await connection.query("DELETE FROM mirror_missing_anime WHERE aid = \(aid)", logger: logger)
                try await connection.query("DELETE FROM mirror_refresh_queue WHERE aid = \(aid)", logger: logger)
                _ = try await Self.changeState(change, on: connection, logger: logger)
                try await Self.notify(note, on: connection, logger: logger)
            }
            // Served here at once; the others read it from PostgreSQL when the notification arrives.
            try await local.storeReplica([document], now: now)
        }
    }

    public func settle(
        request id: Int64,
        aid: Int,
        outcome: UpstreamOutcome,
        detail: String?,
        dequeue: Bool,
        countsAttempt: Bool,
        notFoundAt: Double?,
        state change: @Sendable @escaping (inout UpstreamState) -> Void
    ) async throws {
        try await step("settle") { [self] in
            try await ready()
            let note = LedgerNotification.settled(aid: aid, outcome: outcome, instance: instance)
            try await client.withTransaction(logger: logger) { connection in
                let logger = self.logger
                try await Self.finish(request: id, outcome: outcome, detail: detail, on: connection, logger: logger)
                if dequeue {
                    try await connection.query("DELETE FROM mirror_refresh_queue WHERE aid = \(aid)", logger: logger)
                } else if countsAttempt {
                    try await connection.query(
                        "UPDATE mirror_refresh_queue SET attempts = attempts + 1 WHERE aid = \(aid)",
                        logger: logger
                    )
                    try await connection.query(
                        "DELETE FROM mirror_refresh_queue WHERE aid = \(aid) AND attempts >= \(MirrorStore.maxAttempts)",
                        logger: logger
                    )
                }
                if let notFoundAt {
                    try await connection.query(
                        """
                        INSERT INTO mirror_missing_anime (aid, checked_at) VALUES (\(aid), \(notFoundAt))
                        ON CONFLICT (aid) DO UPDATE SET checked_at = excluded.checked_at
                        """,
                        logger: logger
                    )
                }
                _ = try await Self.changeState(change, on: connection, logger: logger)
                try await Self.notify(note, on: connection, logger: logger)
            }
        }
    }

    public func settleTitles(request id: Int64, outcome: UpstreamOutcome, detail: String?, now: Double, banPause: Double) async throws {
        try await step("settleTitles") { [self] in
            try await ready()
            let note = LedgerNotification.titles(outcome: outcome, instance: instance)
            try await client.withTransaction(logger: logger) { connection in
                let logger = self.logger
                try await Self.finish(request: id, outcome: outcome, detail: detail, on: connection, logger: logger)
                _ = try await Self.changeState(
                    { $0.settleTitles(outcome: outcome, detail: detail, now: now, banPause: banPause) },
                    on: connection,
                    logger: logger
                )
                try await Self.notify(note, on: connection, logger: logger)
            }
        }
    }

    public func shareTitlesDump(_ gzip: [UInt8], fetchedAt: Double) async throws {
        try await step("shareTitlesDump") { [self] in
            try await ready()
            try await client.query(
                """
                INSERT INTO mirror_titles_dump (id, gzip, fetched_at) VALUES (1, \(ByteBuffer(bytes: gzip)), \(fetchedAt))
                ON CONFLICT (id) DO UPDATE SET gzip = excluded.gzip, fetched_at = excluded.fetched_at
                """,
                logger: logger
            )
        }
    }

    /// The shared titles dump and when it was fetched, if any instance downloaded one.
    public func titlesDump() async throws -> (gzip: [UInt8], fetchedAt: Double)? {
        try await bounded("titlesDump") { [self] in
            try await ready()
            let rows = try await client.query("SELECT gzip, fetched_at FROM mirror_titles_dump WHERE id = 1", logger: logger)
            for try await (gzip, fetchedAt) in rows.decode((ByteBuffer, Double).self) {
                return (Array(gzip.readableBytesView), fetchedAt)
            }
            return nil
        }
    }

    public func shareMappingFile(_ name: String, bytes: [UInt8], etag: String?, lastModified: String?, fetchedAt: Double) async throws {
        try await step("shareMappingFile") { [self] in
            try await ready()
            let note = LedgerNotification.mapping(name: name, instance: instance)
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO mirror_mapping_file (name, body, etag, last_modified, fetched_at)
                    VALUES (\(name), \(ByteBuffer(bytes: bytes)), \(etag), \(lastModified), \(fetchedAt))
                    ON CONFLICT (name) DO UPDATE SET body = excluded.body, etag = excluded.etag,
                        last_modified = excluded.last_modified, fetched_at = excluded.fetched_at
                    WHERE mirror_mapping_file.fetched_at < excluded.fetched_at
                    """,
                    logger: self.logger
                )
                try await Self.notify(note, on: connection, logger: self.logger)
            }
        }
    }

    public func sharedMappingFile(_ name: String) async throws -> SharedMappingFile? {
        try await bounded("sharedMappingFile") { [self] in
            try await ready()
            let rows = try await client.query(
                "SELECT body, etag, last_modified, fetched_at FROM mirror_mapping_file WHERE name = \(name)",
                logger: logger
            )
            for try await (body, etag, lastModified, fetchedAt) in rows.decode((ByteBuffer, String?, String?, Double).self) {
                return SharedMappingFile(bytes: Array(body.readableBytesView), etag: etag, lastModified: lastModified, fetchedAt: fetchedAt)
            }
            return nil
        }
    }

    public func shareMappingCorrection(aid: Int, correction: MappingCorrection?, changedAt: Double) async throws {
        try await step("shareMappingCorrection") { [self] in
            try await ready()
            let json = try correction.map { String(decoding: try JSONEncoder().encode($0), as: UTF8.self) }
            let note = LedgerNotification.correction(aid: aid, instance: instance)
            try await client.withTransaction(logger: logger) { connection in
                try await connection.query(
                    """
                    INSERT INTO mirror_mapping_correction (aid, correction, changed_at) VALUES (\(aid), \(json), \(changedAt))
                    ON CONFLICT (aid) DO UPDATE SET correction = excluded.correction, changed_at = excluded.changed_at
                    WHERE mirror_mapping_correction.changed_at < excluded.changed_at
                    """,
                    logger: self.logger
                )
                try await Self.notify(note, on: connection, logger: self.logger)
            }
        }
    }

    public func sharedMappingCorrections() async throws -> [SharedMappingCorrection] {
        try await bounded("sharedMappingCorrections") { [self] in
            try await ready()
            let rows = try await client.query("SELECT aid, correction, changed_at FROM mirror_mapping_correction", logger: logger)
            var out: [SharedMappingCorrection] = []
            for try await (aid, json, changedAt) in rows.decode((Int, String?, Double).self) {
                let correction = json.flatMap { try? JSONDecoder().decode(MappingCorrection.self, from: Data($0.utf8)) }
                out.append(SharedMappingCorrection(aid: aid, correction: correction, changedAt: changedAt))
            }
            return out
        }
    }

    // MARK: - Helpers

    static func finish(request id: Int64, outcome: UpstreamOutcome, detail: String?, on connection: PostgresConnection, logger: Logger) async throws {
        try await connection.query(
            "UPDATE mirror_upstream_request SET outcome = \(outcome.rawValue), detail = \(detail) WHERE id = \(id)",
            logger: logger
        )
    }

    static func notify(_ notification: LedgerNotification, on connection: PostgresConnection, logger: Logger) async throws {
        // Delivered when the transaction commits, and only then.
        try await connection.query("SELECT pg_notify(\(PostgresMirrorSchema.channel), \(notification.payload))", logger: logger)
    }

    static func all<S: AsyncSequence>(_ sequence: S) async throws -> [S.Element] {
        var out: [S.Element] = []
        for try await element in sequence { out.append(element) }
        return out
    }

    static func any(_ rows: PostgresRowSequence) async throws -> Bool {
        for try await _ in rows { return true }
        return false
    }

    static func bool(_ rows: PostgresRowSequence) async throws -> Bool {
        try await all(rows.decode(Bool.self)).first ?? false
    }

    static func int(_ rows: PostgresRowSequence) async throws -> Int {
        try await all(rows.decode(Int.self)).first ?? 0
    }
}
