internal import GRDB

/// The ledger as it stands, for `anikura mirror migrate`: moving to a shared database keeps the day's budget,
/// the queue and a ban.
extension MirrorStore {
    public struct LedgerExport: Sendable {
        public struct Request: Sendable {
            public var startedAt: Double
            public var target: String
            public var aid: Int?
            public var outcome: String?
            public var detail: String?
        }
        public struct Queued: Sendable {
            public var aid: Int
            public var priority: Int
            public var enqueuedAt: Double
            public var requestCount: Int
            public var attempts: Int
        }
        public var requests: [Request] = []
        public var queue: [Queued] = []
        /// aid → when AniDB last said it has no such anime.
        public var missing: [Int: Double] = [:]
        public var state = UpstreamState()
    }

    public func ledgerExport() async throws -> LedgerExport {
        try await writer.readOffCooperativePool { db in
            var export = LedgerExport()
            for row in try Row.fetchAll(db, sql: "SELECT startedAt, target, animeId, outcome, detail FROM upstreamRequest ORDER BY id") {
                // A request this store never finished stays counted, as a restart would count it.
                export.requests.append(
                    .init(startedAt: row[0], target: row[1], aid: row[2], outcome: row[3] ?? "interrupted", detail: row[4])
                )
            }
            for row in try Row.fetchAll(db, sql: "SELECT animeId, priority, enqueuedAt, requestCount, attempts FROM refreshQueue") {
                export.queue.append(.init(aid: row[0], priority: row[1], enqueuedAt: row[2], requestCount: row[3], attempts: row[4]))
            }
            for row in try Row.fetchAll(db, sql: "SELECT animeId, checkedAt FROM missingAnime") { export.missing[row[0]] = row[1] }
            export.state = try Self.upstreamState(db)
            return export
        }
    }
}
