import Foundation
public import Logging
public import Mirror
import NIOCore
import PostgresNIO

/// Moves documents and the ledger from an instance's SQLite store into the shared database: a seed imported at
/// start-up or by `anikura mirror import`, and `anikura mirror migrate --to`.
public struct PostgresMirrorCopy: Sendable {
    let ledger: PostgresLedger

    public init(ledger: PostgresLedger) { self.ledger = ledger }

    var client: PostgresClient { ledger.client }
    var logger: Logger { ledger.logger }

    /// What a copy did.
    public struct Report: Sendable, Equatable {
        /// Documents PostgreSQL had not, or had older.
        public var documents = 0
        public var requests = 0
        public var queued = 0
        public var notFound = 0
        public var titles = false
        /// The seed was already there (imported by another instance or an earlier start).
        public var alreadyShared = false
    }

    /// Shares the documents of a seed this instance imported into its store, once per seed: a second instance
    /// starting with the same seed finds its fingerprint and copies nothing. Idempotent either way (a stored
    /// document is replaced only by one fetched later).
    public func shareSeed(fingerprint: String, progress: @escaping @Sendable (Int, Int) -> Void = { _, _ in }) async throws -> Report {
        try await ledger.ready()
        let instance = ledger.instance
        return try await client.withConnection { connection in
            let logger = self.logger
            try await connection.query("SELECT pg_advisory_lock(\(PostgresMirrorSchema.seedLock))", logger: logger)
            do {
                var report = Report()
                if try await PostgresLedger.any(
                    connection.query("SELECT 1 FROM mirror_seed_import WHERE fingerprint = \(fingerprint)", logger: logger)
                ) {
                    report.alreadyShared = true
                } else {
                    report.documents = try await pushDocuments(on: connection, progress: progress)
                    try await connection.query(
                        """
                        INSERT INTO mirror_seed_import (fingerprint, documents, imported_at, instance)
                        VALUES (\(fingerprint), \(report.documents), \(Date().timeIntervalSince1970), \(instance))
                        ON CONFLICT (fingerprint) DO NOTHING
                        """,
                        logger: logger
                    )
                }
                try await connection.query("SELECT pg_advisory_unlock(\(PostgresMirrorSchema.seedLock))", logger: logger)
                return report
            } catch {
                _ = try? await connection.query("SELECT pg_advisory_unlock(\(PostgresMirrorSchema.seedLock))", logger: logger)
                throw error
            }
        }
    }

    /// Copies every local document PostgreSQL lacks or has older, 100 to a statement; tells the other instances.
    func pushDocuments(on connection: PostgresConnection, progress: @escaping @Sendable (Int, Int) -> Void) async throws -> Int {
        let shared = try await PostgresDocuments.versions(client: client, logger: logger)
        let local = try await ledger.local.documentVersions()
        let newer = local.filter { aid, fetchedAt in shared[aid].map { $0 < fetchedAt } ?? true }.keys.sorted()
        var written = 0
        for start in stride(from: 0, to: newer.count, by: 100) {
            let batch = Array(newer[start..<min(start + 100, newer.count)])
            let copies = try await ledger.local.documentCopies(batch)
            try await connection.query("BEGIN", logger: logger)
            let aids = try await PostgresDocuments.upsert(copies.map(PostgresDocuments.Row.init), on: connection, logger: logger)
            // A client's wish for an aid the seed brings is fulfilled.
            try await connection.query(
                "DELETE FROM mirror_refresh_queue WHERE aid = ANY(\(aids)) AND priority = \(RefreshPriority.missing.rawValue)",
                logger: logger
            )
            try await connection.query("COMMIT", logger: logger)
            written += aids.count
            progress(min(start + batch.count, newer.count), newer.count)
        }
        if written > 0 { try await PostgresLedger.notify(.changed, on: connection, logger: logger) }
        return written
    }

    /// Copies an instance's whole mirror into PostgreSQL: its documents, every request of its ledger (so the day's
    /// budget and the once-a-day rule carry over), its queue, what AniDB does not have, its ban and back-off, and
    /// the titles dump. Running it again copies no request twice.
    /// - Parameter source: names the store copied from, the same each time (its host and file): its requests
    ///   are copied only once.
    public func migrate(
        source: String,
        titlesDump: [UInt8]?,
        titlesFetchedAt: Double?,
        progress: @escaping @Sendable (Int, Int) -> Void
    ) async throws -> Report {
        try await ledger.ready()
        let export = try await ledger.local.ledgerExport()
        let source = "migrated from \(source)"
        return try await client.withConnection { connection in
            let logger = self.logger
            var report = Report()
            report.documents = try await pushDocuments(on: connection, progress: progress)
            try await connection.query("BEGIN", logger: logger)
            try await connection.query("SELECT pg_advisory_xact_lock(\(PostgresMirrorSchema.ledgerLock))", logger: logger)
            let copiedBefore = try await PostgresLedger.any(
                connection.query("SELECT 1 FROM mirror_upstream_request WHERE instance = \(source)", logger: logger)
            )
            if !copiedBefore {
                for request in export.requests {
                    try await connection.query(
                        """
                        INSERT INTO mirror_upstream_request (started_at, target, aid, outcome, detail, instance)
                        VALUES (\(request.startedAt), \(request.target), \(request.aid), \(request.outcome), \(request.detail), \(source))
                        """,
                        logger: logger
                    )
                    report.requests += 1
                }
            }
            for entry in export.queue {
                try await connection.query(
                    """
                    INSERT INTO mirror_refresh_queue (aid, priority, enqueued_at, request_count, attempts)
                    VALUES (\(entry.aid), \(entry.priority), \(entry.enqueuedAt), \(entry.requestCount), \(entry.attempts))
                    ON CONFLICT (aid) DO NOTHING
                    """,
                    logger: logger
                )
                report.queued += 1
            }
            for (aid, checkedAt) in export.missing {
                try await connection.query(
                    """
                    INSERT INTO mirror_missing_anime (aid, checked_at) VALUES (\(aid), \(checkedAt))
                    ON CONFLICT (aid) DO UPDATE SET checked_at = GREATEST(mirror_missing_anime.checked_at, excluded.checked_at)
                    """,
                    logger: logger
                )
                report.notFound += 1
            }
            let local = export.state
            _ = try await PostgresLedger.changeState({ $0.merge(local) }, on: connection, logger: logger)
            if let titlesDump, let titlesFetchedAt {
                try await connection.query(
                    """
                    INSERT INTO mirror_titles_dump (id, gzip, fetched_at) VALUES (1, \(ByteBuffer(bytes: titlesDump)), \(titlesFetchedAt))
                    ON CONFLICT (id) DO UPDATE SET gzip = excluded.gzip, fetched_at = excluded.fetched_at
                    WHERE mirror_titles_dump.fetched_at < excluded.fetched_at
                    """,
                    logger: logger
                )
                report.titles = true
            }
            try await PostgresLedger.notify(.queued, on: connection, logger: logger)
            try await connection.query("COMMIT", logger: logger)
            return report
        }
    }
}

extension UpstreamState {
    /// The stricter of two states: the later ban and back-off, a client error from either, the later titles times.
    mutating func merge(_ other: UpstreamState) {
        if (other.bannedUntil ?? 0) > (bannedUntil ?? 0) {
            bannedUntil = other.bannedUntil
            banReason = other.banReason
        }
        if (other.backoffUntil ?? 0) > (backoffUntil ?? 0) {
            backoffUntil = other.backoffUntil
            consecutiveFailures = other.consecutiveFailures
        }
        if clientError == nil, other.clientError != nil {
            clientError = other.clientError
            clientErrorFor = other.clientErrorFor
        }
        if (other.lastErrorAt ?? 0) > (lastErrorAt ?? 0) {
            lastError = other.lastError
            lastErrorAt = other.lastErrorAt
        }
        titlesWanted = titlesWanted || other.titlesWanted
        titlesAttemptedAt = [titlesAttemptedAt, other.titlesAttemptedAt].compactMap { $0 }.max()
        titlesFetchedAt = [titlesFetchedAt, other.titlesFetchedAt].compactMap { $0 }.max()
    }
}
