internal import GRDB

/// Where an aid stands in the refresh queue.
public struct QueuePosition: Sendable, Equatable {
    /// 1 for the next aid to be fetched.
    public var position: Int
    public var queueSize: Int

    public init(position: Int, queueSize: Int) {
        self.position = position
        self.queueSize = queueSize
    }
}

/// What `enqueue` did.
public enum EnqueueOutcome: Sendable, Equatable {
    case queued(QueuePosition)
    /// The queue is at capacity.
    case full
    /// A missing aid's document arrived meanwhile: there is nothing to fetch.
    case alreadyStored
}

/// Why an aid is in the refresh queue; lower goes first.
public enum RefreshPriority: Int, Sendable {
    /// A client asked for an aid we have no document for (and may be waiting on the answer).
    case missing = 0
    /// A client was served a stale document.
    case stale = 1
    /// The library's matcher would like a document it has never had (a sequel chain, relations of anime on disk).
    /// Goes after everything a client asked for.
    case library = 2
}

/// The persistent refresh queue, the upstream request log and the upstream state.
extension MirrorStore {
    /// How many aids may wait at once; past that, requests for unknown aids are refused
    /// rather than letting clients grow the table without bound.
    public static let queueCapacity = 50_000
    /// Failed attempts after which an aid leaves the queue (a later client request puts it back).
    public static let maxAttempts = 3

    /// Queues `aid` (de-duplicated; a missing aid overtakes a stale refresh).
    public func enqueue(aid: Int, priority: RefreshPriority, now: Double) async throws -> EnqueueOutcome {
        try await writer.write { db in
            // Checked in the same transaction as the insert: a fetch that stored the document a moment ago must
            // not leave a stray entry that would ask AniDB again.
            if priority != .stale,
                try Bool.fetchOne(db, sql: "SELECT 1 FROM anime WHERE id = ?", arguments: [aid]) == true
            {
                return .alreadyStored
            }
            let current = try Int.fetchOne(
                db,
                sql: "SELECT priority FROM refreshQueue WHERE animeId = ?",
                arguments: [aid]
            )
            if current == nil, try Self.queueSize(db) >= Self.queueCapacity { return .full }
            try db.execute(
                sql: """
                    INSERT INTO refreshQueue (animeId, priority, enqueuedAt, requestCount) VALUES (?, ?, ?, 1)
                    ON CONFLICT(animeId) DO UPDATE SET
                        priority = MIN(priority, excluded.priority), requestCount = requestCount + 1
                    """,
                arguments: [aid, priority.rawValue, now]
            )
            return try Self.position(of: aid, in: db, now: now).map { .queued($0) } ?? .full
        }
    }

    /// What queueing many aids at once did.
    public struct BulkEnqueueOutcome: Sendable, Equatable {
        public var queued = 0
        public var stored = 0
        public var notFound = 0
        public var refused = 0

        public init() {}
    }

    /// Queues many aids that have no document, in one transaction: aids already stored, or that AniDB said lately
    /// it does not have (within `notFoundFor` seconds), are left out; past capacity the rest is refused.
    public func enqueueMissing(
        _ aids: [Int],
        priority: RefreshPriority,
        now: Double,
        notFoundFor: Double
    ) async throws -> BulkEnqueueOutcome {
        try await writer.write { db in
            var outcome = BulkEnqueueOutcome()
            var size = try Self.queueSize(db)
            let stored = try db.cachedStatement(sql: "SELECT 1 FROM anime WHERE id = ?")
            let missing = try db.cachedStatement(sql: "SELECT checkedAt FROM missingAnime WHERE animeId = ?")
            let current = try db.cachedStatement(sql: "SELECT 1 FROM refreshQueue WHERE animeId = ?")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO refreshQueue (animeId, priority, enqueuedAt, requestCount) VALUES (?, ?, ?, 1)
                    ON CONFLICT(animeId) DO UPDATE SET
                        priority = MIN(priority, excluded.priority), requestCount = requestCount + 1
                    """
            )
            for aid in aids {
                if try Bool.fetchOne(stored, arguments: [aid]) == true {
                    outcome.stored += 1
                    continue
                }
                if let checked = try Double.fetchOne(missing, arguments: [aid]), now - checked < notFoundFor {
                    outcome.notFound += 1
                    continue
                }
                let isQueued = try Bool.fetchOne(current, arguments: [aid]) == true
                if !isQueued {
                    guard size < Self.queueCapacity else {
                        outcome.refused += 1
                        continue
                    }
                    size += 1
                }
                try insert.execute(arguments: [aid, priority.rawValue, now])
                outcome.queued += 1
            }
            return outcome
        }
    }

    public func queuePosition(of aid: Int, now: Double) async throws -> QueuePosition? {
        try await writer.readOffCooperativePool { db in try Self.position(of: aid, in: db, now: now) }
    }

    /// The queue in fetch order.
    public func queuedAIDs() async throws -> [Int] {
        try await writer.readOffCooperativePool { db in
            try Int.fetchAll(db, sql: "SELECT animeId FROM refreshQueue ORDER BY priority, enqueuedAt, animeId")
        }
    }

    static func queueSize(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM refreshQueue") ?? 0
    }

    /// 1 + the entries that go before `aid`: those ahead of it in queue order that AniDB may be asked for now
    /// (an entry asked within 24 hours waits out its day and is overtaken).
    static func position(of aid: Int, in db: Database, now: Double) throws -> QueuePosition? {
        guard
            let entry = try RefreshQueueRow.fetchOne(
                db,
                sql: "SELECT animeId, priority, enqueuedAt, requestCount, attempts FROM refreshQueue WHERE animeId = ?",
                arguments: [aid]
            )
        else { return nil }
        let priority = entry.priority
        let enqueuedAt = entry.enqueuedAt
        let ahead =
            try Int.fetchOne(
                db,
                sql: """
                    SELECT COUNT(*) FROM refreshQueue AS q
                    WHERE (priority < ? OR (priority = ? AND (enqueuedAt < ? OR (enqueuedAt = ? AND animeId < ?))))
                        AND NOT EXISTS (
                            SELECT 1 FROM upstreamRequest AS r
                            WHERE r.animeId = q.animeId AND r.target = 'anime' AND r.startedAt > ?)
                    """,
                arguments: [priority, priority, enqueuedAt, enqueuedAt, aid, now - UpstreamLimits.day]
            ) ?? 0
        return QueuePosition(position: ahead + 1, queueSize: try queueSize(db))
    }

    /// The next aid to fetch at `now`: the first in queue order not asked of AniDB in the last 24 hours.
    /// When every queued aid was, `retryAt` says when the first of them may be asked again.
    /// `includeLibrary` false leaves the library's wishes (`.library`) waiting.
    public func nextQueued(now: Double, includeLibrary: Bool = true) async throws -> (aid: Int?, retryAt: Double?) {
        try await writer.readOffCooperativePool { db in
            let since = now - UpstreamLimits.day
            if let aid = try Int.fetchOne(
                db,
                sql: """
                    SELECT animeId FROM refreshQueue AS q
                    WHERE priority <= ? AND NOT EXISTS (
                        SELECT 1 FROM upstreamRequest AS r
                        WHERE r.animeId = q.animeId AND r.target = 'anime' AND r.startedAt > ?)
                    ORDER BY priority, enqueuedAt, animeId LIMIT 1
                    """,
                arguments: [includeLibrary ? RefreshPriority.library.rawValue : RefreshPriority.stale.rawValue, since]
            ) {
                return (aid, nil)
            }
            let retryAt = try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(last) + 86400 FROM (
                        SELECT MAX(r.startedAt) AS last FROM refreshQueue AS q
                        JOIN upstreamRequest AS r ON r.animeId = q.animeId AND r.target = 'anime'
                        GROUP BY q.animeId)
                    """
            )
            return (nil, retryAt)
        }
    }

    // MARK: - Upstream log

    /// When AniDB was last asked for `aid`, and whether that request is still in flight; nil if never.
    public func lastUpstreamRequest(aid: Int) async throws -> (startedAt: Double, inFlight: Bool)? {
        try await writer.readOffCooperativePool { db in
            try LastRequestRow.fetchOne(
                db,
                sql: """
                    SELECT startedAt, outcome IS NULL AS inFlight FROM upstreamRequest
                    WHERE animeId = ? AND target = 'anime' ORDER BY startedAt DESC LIMIT 1
                    """,
                arguments: [aid]
            ).map { ($0.startedAt, $0.inFlight) }
        }
    }

    /// Starts of the upstream requests of the 24 hours before `now`, oldest first.
    public func upstreamStarts(now: Double) async throws -> [Double] {
        try await writer.readOffCooperativePool { db in
            try Double.fetchAll(
                db,
                sql: "SELECT startedAt FROM upstreamRequest WHERE startedAt > ? ORDER BY startedAt",
                arguments: [now - UpstreamLimits.day]
            )
        }
    }

    /// Logs an upstream request before it goes out (so a crash mid-request still counts it). Returns its id.
    func beginUpstreamRequest(target: String, aid: Int?, now: Double) async throws -> Int64 {
        try await writer.write { db in
            try db.execute(
                sql: "INSERT INTO upstreamRequest (startedAt, target, animeId) VALUES (?, ?, ?)",
                arguments: [now, target, aid]
            )
            return db.lastInsertedRowID
        }
    }

    /// Requests a previous process started and never finished (it crashed or was killed): they stay counted,
    /// marked as interrupted.
    public func markInterruptedRequests() async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE upstreamRequest SET outcome = 'interrupted' WHERE outcome IS NULL")
        }
    }

    static func finishUpstreamRequest(_ id: Int64, outcome: UpstreamOutcome, detail: String?, in db: Database) throws {
        try db.execute(
            sql: "UPDATE upstreamRequest SET outcome = ?, detail = ? WHERE id = ?",
            arguments: [outcome.rawValue, detail, id]
        )
    }

    /// Upstream requests by outcome over the 24 hours before `now` (in flight ones as "pending").
    public func upstreamOutcomes(now: Double) async throws -> [String: Int] {
        try await writer.readOffCooperativePool { db in
            let rows = try OutcomeCountRow.fetchAll(
                db,
                sql: """
                    SELECT COALESCE(outcome, 'pending') AS outcome, COUNT(*) AS count FROM upstreamRequest
                    WHERE startedAt > ? GROUP BY 1
                    """,
                arguments: [now - UpstreamLimits.day]
            )
            return Dictionary(uniqueKeysWithValues: rows.map { ($0.outcome, $0.count) })
        }
    }

    // MARK: - State

    public func upstreamState() async throws -> UpstreamState {
        try await writer.readOffCooperativePool { db in try Self.upstreamState(db) }
    }

    static func upstreamState(_ db: Database) throws -> UpstreamState {
        var state = UpstreamState()
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM upstreamState WHERE id = 1") else { return state }
        state.bannedUntil = row["bannedUntil"]
        state.banReason = row["banReason"]
        state.backoffUntil = row["backoffUntil"]
        state.consecutiveFailures = row["consecutiveFailures"]
        state.clientError = row["clientError"]
        state.clientErrorFor = row["clientErrorFor"]
        state.lastError = row["lastError"]
        state.lastErrorAt = row["lastErrorAt"]
        state.titlesWanted = row["titlesWanted"]
        state.titlesAttemptedAt = row["titlesAttemptedAt"]
        state.titlesFetchedAt = row["titlesFetchedAt"]
        return state
    }

    static func save(_ state: UpstreamState, in db: Database) throws {
        try db.execute(
            sql: """
                UPDATE upstreamState SET bannedUntil = ?, banReason = ?, backoffUntil = ?, consecutiveFailures = ?,
                    clientError = ?, clientErrorFor = ?, lastError = ?, lastErrorAt = ?, titlesWanted = ?,
                    titlesAttemptedAt = ?, titlesFetchedAt = ?
                WHERE id = 1
                """,
            arguments: [
                state.bannedUntil, state.banReason, state.backoffUntil, state.consecutiveFailures,
                state.clientError, state.clientErrorFor, state.lastError, state.lastErrorAt, state.titlesWanted,
                state.titlesAttemptedAt, state.titlesFetchedAt,
            ]
        )
    }

    /// Changes the upstream state in one transaction.
    @discardableResult
    public func updateUpstreamState(_ change: @Sendable @escaping (inout UpstreamState) -> Void) async throws -> UpstreamState {
        try await writer.write { db in
            var state = try Self.upstreamState(db)
            change(&state)
            try Self.save(state, in: db)
            return state
        }
    }

    // MARK: - Anime AniDB does not have

    /// When AniDB last answered "Anime not found" for `aid`, or nil.
    public func notFoundAt(aid: Int) async throws -> Double? {
        try await writer.readOffCooperativePool { db in
            try Double.fetchOne(db, sql: "SELECT checkedAt FROM missingAnime WHERE animeId = ?", arguments: [aid])
        }
    }

    /// Records the outcome of one upstream request for `aid` in one transaction: its log entry, the state,
    /// and what becomes of the queue entry.
    public func settle(
        request id: Int64,
        aid: Int,
        outcome: UpstreamOutcome,
        detail: String?,
        dequeue: Bool,
        countsAttempt: Bool = true,
        notFoundAt: Double? = nil,
        state change: @Sendable @escaping (inout UpstreamState) -> Void
    ) async throws {
        try await writer.write { db in
            try Self.finishUpstreamRequest(id, outcome: outcome, detail: detail, in: db)
            if dequeue {
                try db.execute(sql: "DELETE FROM refreshQueue WHERE animeId = ?", arguments: [aid])
            } else if countsAttempt {
                try db.execute(
                    sql: "UPDATE refreshQueue SET attempts = attempts + 1 WHERE animeId = ?",
                    arguments: [aid]
                )
                try db.execute(
                    sql: "DELETE FROM refreshQueue WHERE animeId = ? AND attempts >= ?",
                    arguments: [aid, Self.maxAttempts]
                )
            }
            if let notFoundAt {
                try db.execute(
                    sql: "INSERT OR REPLACE INTO missingAnime (animeId, checkedAt) VALUES (?, ?)",
                    arguments: [aid, notFoundAt]
                )
            }
            var state = try Self.upstreamState(db)
            change(&state)
            try Self.save(state, in: db)
        }
    }

    /// Stores a document fetched from AniDB together with its request's outcome, in one transaction.
    public func storeFetched(
        _ document: StoredDocument,
        request id: Int64,
        now: Double,
        state change: @Sendable @escaping (inout UpstreamState) -> Void
    ) async throws {
        let aid = document.document.aid
        try await writer.write { db in
            try Self.store(document, in: db, replacing: true, now: now)
            try Self.finishUpstreamRequest(id, outcome: .ok, detail: nil, in: db)
            try db.execute(sql: "DELETE FROM missingAnime WHERE animeId = ?", arguments: [aid])
            var state = try Self.upstreamState(db)
            change(&state)
            try Self.save(state, in: db)
        }
        cache?.invalidate([aid])
    }
}

/// The newest request for an anime: when it started and whether it has an outcome yet.
private struct LastRequestRow: FetchableRecord, Decodable {
    var startedAt: Double
    var inFlight: Bool
}

/// Requests of one outcome (`pending` for those in flight).
private struct OutcomeCountRow: FetchableRecord, Decodable {
    var outcome: String
    var count: Int
}
