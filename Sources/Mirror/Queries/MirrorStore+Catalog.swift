internal import GRDB

/// Everything the library's matcher needs from the mirror, read in one go.
public struct MatchingSnapshot: Sendable {
    /// Every title: the stored documents' and the titles dump's.
    public var titles: [Title]
    public var anime: [Anime]

    public struct Title: Sendable {
        public var aid: Int
        public var type: String
        public var language: String
        public var text: String
    }

    public struct Anime: Sendable {
        public var aid: Int
        public var type: String?
        public var episodeCount: Int?
        public var startDate: String?
        public var relations: [AnimeDocument.Relation]
    }
}

extension MirrorStore {
    /// The titles and facts of every anime, from one read transaction.
    public func matchingSnapshot() async throws -> MatchingSnapshot {
        try await writer.readOffCooperativePool { db in
            var titles: [MatchingSnapshot.Title] = []
            for table in ["title", "dumpTitle"] {
                let rows = try CatalogTitleRow.fetchCursor(db, sql: "SELECT animeId, type, language, text FROM \(table)")
                while let row = try rows.next() {
                    titles.append(.init(aid: row.animeId, type: row.type, language: row.language, text: row.text))
                }
            }
            var relations: [Int: [AnimeDocument.Relation]] = [:]
            let relationRows = try CatalogRelationRow.fetchCursor(
                db,
                sql: "SELECT animeId, relatedAnimeId, type, relatedTitle FROM relation ORDER BY animeId, position"
            )
            while let row = try relationRows.next() {
                relations[row.animeId, default: []].append(.init(aid: row.relatedAnimeId, type: row.type, title: row.relatedTitle))
            }
            var anime: [MatchingSnapshot.Anime] = []
            let animeRows = try CatalogAnimeRow.fetchCursor(db, sql: "SELECT id, type, episodeCount, startDate FROM anime")
            while let row = try animeRows.next() {
                anime.append(
                    .init(aid: row.id, type: row.type, episodeCount: row.episodeCount, startDate: row.startDate, relations: relations[row.id] ?? [])
                )
            }
            return MatchingSnapshot(titles: titles, anime: anime)
        }
    }

    /// How many documents there are and when the newest was stored, and how many titles the dump holds. Changes when
    /// a document is stored or removed; a replaced titles dump with as many titles leaves it alone, so callers add the
    /// dump file's own time (`Fetcher.titlesDumpModified`).
    public func matchingVersion() async throws -> String {
        try await writer.readOffCooperativePool { db in
            let anime = try Row.fetchOne(db, sql: "SELECT COUNT(*), MAX(storedAt) FROM anime")
            let dump = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM dumpTitle") ?? 0
            let count: Int = anime?[0] ?? 0
            let stored: Double? = anime?[1]
            return "\(count)/\(stored ?? 0)/\(dump)"
        }
    }
}
