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
            let requests = try UpstreamRequestRow.fetchAll(
                db,
                sql: "SELECT startedAt, target, animeId, outcome, detail FROM upstreamRequest ORDER BY id"
            )
            for row in requests {
                // A request this store never finished stays counted, as a restart would count it.
                export.requests.append(
                    .init(startedAt: row.startedAt, target: row.target, aid: row.animeId, outcome: row.outcome ?? "interrupted", detail: row.detail)
                )
            }
            let queue = try RefreshQueueRow.fetchAll(
                db,
                sql: "SELECT animeId, priority, enqueuedAt, requestCount, attempts FROM refreshQueue"
            )
            for row in queue {
                export.queue.append(
                    .init(
                        aid: row.animeId,
                        priority: row.priority,
                        enqueuedAt: row.enqueuedAt,
                        requestCount: row.requestCount,
                        attempts: row.attempts
                    )
                )
            }
            for row in try MissingAnimeRow.fetchAll(db, sql: "SELECT animeId, checkedAt FROM missingAnime") {
                export.missing[row.animeId] = row.checkedAt
            }
            export.state = try Self.upstreamState(db)
            return export
        }
    }
}

/// A row of `upstreamRequest`; `outcome` is nil while the request is in flight.
private struct UpstreamRequestRow: FetchableRecord, Decodable {
    var startedAt: Double
    var target: String
    var animeId: Int?
    var outcome: String?
    var detail: String?
}

/// A row of `refreshQueue`.
struct RefreshQueueRow: FetchableRecord, Decodable {
    var animeId: Int
    var priority: Int
    var enqueuedAt: Double
    var requestCount: Int
    var attempts: Int
}

/// A row of `missingAnime`: when AniDB last said it has no such anime.
private struct MissingAnimeRow: FetchableRecord, Decodable {
    var animeId: Int
    var checkedAt: Double
}
