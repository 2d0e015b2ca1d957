public import GRDB

/// One upstream attempt, as the admin's log shows it.
public struct UpstreamLogEntry: Sendable, Codable, Equatable, FetchableRecord {
    public var startedAt: Double
    /// `anime` or `titles`.
    public var target: String
    public var animeId: Int?
    /// nil while in flight.
    public var outcome: String?
    public var detail: String?

    public init(startedAt: Double, target: String, animeId: Int?, outcome: String?, detail: String?) {
        self.startedAt = startedAt
        self.target = target
        self.animeId = animeId
        self.outcome = outcome
        self.detail = detail
    }
}

extension MirrorStore {
    /// The most recent upstream attempts, newest first.
    public func upstreamLog(limit: Int) async throws -> [UpstreamLogEntry] {
        try await writer.readOffCooperativePool { db in
            try UpstreamLogEntry.fetchAll(
                db,
                sql: "SELECT startedAt, target, animeId, outcome, detail FROM upstreamRequest ORDER BY startedAt DESC, id DESC LIMIT ?",
                arguments: [limit]
            )
        }
    }
}
