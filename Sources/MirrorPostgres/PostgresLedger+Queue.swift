public import Mirror
import PostgresNIO

/// The shared refresh queue, the not-found memory and what the admin's pages read from the ledger.
extension PostgresLedger {
    public func enqueue(aid: Int, priority: RefreshPriority, now: Double) async throws -> EnqueueOutcome {
        try await bounded("enqueue") { [self] in
            try await ready()
            let outcome = try await client.withTransaction(logger: logger) { connection -> EnqueueOutcome in
                let logger = self.logger
                // In the same transaction as the insert: a document stored a moment ago leaves nothing to fetch.
                if priority != .stale,
                    try await Self.any(connection.query("SELECT 1 FROM mirror_document WHERE aid = \(aid)", logger: logger))
                {
                    return .alreadyStored
                }
                let isQueued = try await Self.any(
                    connection.query("SELECT 1 FROM mirror_refresh_queue WHERE aid = \(aid)", logger: logger)
                )
                if !isQueued, try await Self.queueSize(on: connection, logger: logger) >= MirrorStore.queueCapacity {
                    return .full
                }
                try await connection.query(
                    """
                    INSERT INTO mirror_refresh_queue (aid, priority, enqueued_at, request_count) VALUES (\(aid), \(priority.rawValue), \(now), 1)
                    ON CONFLICT (aid) DO UPDATE SET priority = LEAST(mirror_refresh_queue.priority, excluded.priority),
                        request_count = mirror_refresh_queue.request_count + 1
                    """,
                    logger: logger
                )
                // Wakes the instance that fetches, wherever it runs.
                try await Self.notify(.queued, on: connection, logger: logger)
                return try await Self.position(of: aid, on: connection, now: now, logger: logger).map { .queued($0) } ?? .full
            }
            return outcome
        }
    }

    public func enqueueMissing(
        _ aids: [Int],
        priority: RefreshPriority,
        now: Double,
        notFoundFor: Double
    ) async throws -> MirrorStore.BulkEnqueueOutcome {
        try await bounded("enqueueMissing") { [self] in
            try await ready()
            return try await client.withTransaction(logger: logger) { connection -> MirrorStore.BulkEnqueueOutcome in
                let logger = self.logger
                var outcome = MirrorStore.BulkEnqueueOutcome()
                var size = try await Self.queueSize(on: connection, logger: logger)
                for aid in aids {
                    if try await Self.any(connection.query("SELECT 1 FROM mirror_document WHERE aid = \(aid)", logger: logger)) {
                        outcome.stored += 1
                        continue
                    }
                    let checked = try await Self.all(
                        connection.query("SELECT checked_at FROM mirror_missing_anime WHERE aid = \(aid)", logger: logger)
                            .decode(Double.self)
                    ).first
                    if let checked, now - checked < notFoundFor {
                        outcome.notFound += 1
                        continue
                    }
                    let isQueued = try await Self.any(
                        connection.query("SELECT 1 FROM mirror_refresh_queue WHERE aid = \(aid)", logger: logger)
                    )
                    if !isQueued {
                        guard size < MirrorStore.queueCapacity else {
                            outcome.refused += 1
                            continue
                        }
                        size += 1
                    }
                    try await connection.query(
                        """
                        INSERT INTO mirror_refresh_queue (aid, priority, enqueued_at, request_count) VALUES (\(aid), \(priority.rawValue), \(now), 1)
                        ON CONFLICT (aid) DO UPDATE SET priority = LEAST(mirror_refresh_queue.priority, excluded.priority),
                            request_count = mirror_refresh_queue.request_count + 1
                        """,
                        logger: logger
                    )
                    outcome.queued += 1
                }
                if outcome.queued > 0 { try await Self.notify(.queued, on: connection, logger: logger) }
                return outcome
            }
        }
    }

    public func queuePosition(of aid: Int, now: Double) async throws -> QueuePosition? {
        try await bounded("queuePosition") { [self] in
            try await ready()
            return try await client.withConnection { connection in
                try await Self.position(of: aid, on: connection, now: now, logger: self.logger)
            }
        }
    }

    public func nextQueued(now: Double, includeLibrary: Bool) async throws -> (aid: Int?, retryAt: Double?) {
        try await step("nextQueued") { [self] in
            try await ready()
            let since = now - UpstreamLimits.day
            let highest = includeLibrary ? RefreshPriority.library.rawValue : RefreshPriority.stale.rawValue
            let next = try await Self.all(
                client.query(
                    """
                    SELECT aid FROM mirror_refresh_queue AS q
                    WHERE priority <= \(highest) AND NOT EXISTS (
                        SELECT 1 FROM mirror_upstream_request AS r
                        WHERE r.aid = q.aid AND r.target = 'anime' AND r.started_at > \(since))
                    ORDER BY priority, enqueued_at, aid LIMIT 1
                    """,
                    logger: logger
                ).decode(Int.self)
            ).first
            if let next { return (next, nil) }
            let retryAt =
                try await Self.all(
                    client.query(
                        """
                        SELECT MIN(last) + 86400 FROM (
                            SELECT MAX(r.started_at) AS last FROM mirror_refresh_queue AS q
                            JOIN mirror_upstream_request AS r ON r.aid = q.aid AND r.target = 'anime'
                            GROUP BY q.aid) AS asked
                        """,
                        logger: logger
                    ).decode(Double?.self)
                ).first ?? nil
            return (nil, retryAt)
        }
    }

    public func queuedAIDs() async throws -> [Int] {
        try await bounded("queuedAIDs") { [self] in
            try await ready()
            return try await Self.all(
                client.query("SELECT aid FROM mirror_refresh_queue ORDER BY priority, enqueued_at, aid", logger: logger)
                    .decode(Int.self)
            )
        }
    }

    public func queueSize() async throws -> Int {
        try await bounded("queueSize") { [self] in
            try await ready()
            return try await Self.int(client.query("SELECT COUNT(*)::bigint FROM mirror_refresh_queue", logger: logger))
        }
    }

    public func notFoundAt(aid: Int) async throws -> Double? {
        try await bounded("notFoundAt") { [self] in
            try await ready()
            return try await Self.all(
                client.query("SELECT checked_at FROM mirror_missing_anime WHERE aid = \(aid)", logger: logger).decode(Double.self)
            ).first
        }
    }

    public func lastUpstreamRequest(aid: Int) async throws -> (startedAt: Double, inFlight: Bool)? {
        try await bounded("lastUpstreamRequest") { [self] in
            try await ready()
            let rows = try await client.query(
                """
                SELECT started_at, outcome IS NULL FROM mirror_upstream_request
                WHERE aid = \(aid) AND target = 'anime' ORDER BY started_at DESC LIMIT 1
                """,
                logger: logger
            )
            for try await (startedAt, inFlight) in rows.decode((Double, Bool).self) { return (startedAt, inFlight) }
            return nil
        }
    }

    public func upstreamLog(limit: Int) async throws -> [UpstreamLogEntry] {
        try await bounded("upstreamLog") { [self] in
            try await ready()
            let rows = try await client.query(
                """
                SELECT started_at, target, aid, outcome, detail FROM mirror_upstream_request
                ORDER BY started_at DESC, id DESC LIMIT \(limit)
                """,
                logger: logger
            )
            var entries: [UpstreamLogEntry] = []
            for try await (startedAt, target, aid, outcome, detail) in rows.decode((Double, String, Int?, String?, String?).self) {
                entries.append(UpstreamLogEntry(startedAt: startedAt, target: target, animeId: aid, outcome: outcome, detail: detail))
            }
            return entries
        }
    }

    public func upstreamOutcomes(now: Double) async throws -> [String: Int] {
        try await bounded("upstreamOutcomes") { [self] in
            try await ready()
            let rows = try await client.query(
                """
                SELECT COALESCE(outcome, 'pending'), COUNT(*)::bigint FROM mirror_upstream_request
                WHERE started_at > \(now - UpstreamLimits.day) GROUP BY 1
                """,
                logger: logger
            )
            var outcomes: [String: Int] = [:]
            for try await (outcome, count) in rows.decode((String, Int).self) { outcomes[outcome] = count }
            return outcomes
        }
    }

    static func queueSize(on connection: PostgresConnection, logger: Logger) async throws -> Int {
        try await int(connection.query("SELECT COUNT(*)::bigint FROM mirror_refresh_queue", logger: logger))
    }

    /// 1 + the entries that go before `aid` and may be asked for now (as `MirrorStore.position`).
    static func position(of aid: Int, on connection: PostgresConnection, now: Double, logger: Logger) async throws -> QueuePosition? {
        let rows = try await connection.query(
            "SELECT priority, enqueued_at FROM mirror_refresh_queue WHERE aid = \(aid)",
            logger: logger
        )
        guard let (priority, enqueuedAt) = try await all(rows.decode((Int, Double).self)).first else { return nil }
        let ahead = try await int(
            connection.query(
                """
                SELECT COUNT(*)::bigint FROM mirror_refresh_queue AS q
                WHERE (priority < \(priority) OR (priority = \(priority) AND (enqueued_at < \(enqueuedAt)
                        OR (enqueued_at = \(enqueuedAt) AND aid < \(aid)))))
                    AND NOT EXISTS (
                        SELECT 1 FROM mirror_upstream_request AS r
                        WHERE r.aid = q.aid AND r.target = 'anime' AND r.started_at > \(now - UpstreamLimits.day))
                """,
                logger: logger
            )
        )
        return QueuePosition(position: ahead + 1, queueSize: try await queueSize(on: connection, logger: logger))
    }
}
