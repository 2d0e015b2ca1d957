import Foundation
internal import GRDB

/// What a poster card or a list row needs to know about one anime: read for thousands at once.
public struct AnimeSummary: Sendable, Codable, Equatable {
    public var aid: Int
    /// The main title (from the document, else the titles dump).
    public var title: String?
    /// The official English title, when there is one.
    public var englishTitle: String?
    public var type: String?
    public var episodeCount: Int?
    public var startDate: String?
    public var endDate: String?
    /// AniDB's permanent rating (0–10).
    public var rating: Double?
    /// The picture's file name on AniDB's image CDN.
    public var picture: String?
    /// False for an anime known only from the titles dump.
    public var documented: Bool
    /// Adult per AniDB: hidden from cards unless asked for.
    public var adult: Bool
}

extension MirrorStore {
    /// Summaries of `aids` (each once), known ones only, in one query however many there are.
    public func summaries(aids: [Int]) async throws -> [Int: AnimeSummary] {
        guard !aids.isEmpty else { return [:] }
        let list = "[" + Set(aids).map(String.init).joined(separator: ",") + "]"
        return try await writer.readOffCooperativePool { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT wanted.value AS aid, anime.id IS NOT NULL AS documented, anime.type, anime.episodeCount,
                        anime.startDate, anime.endDate, anime.ratingPermanent, anime.picture, anime.isAdult,
                        COALESCE(anime.mainTitle,
                            (SELECT text FROM dumpTitle WHERE animeId = wanted.value AND type = 'main' LIMIT 1)) AS title,
                        COALESCE(
                            (SELECT text FROM title WHERE animeId = wanted.value AND type = 'official' AND language = 'en'
                                ORDER BY position LIMIT 1),
                            (SELECT text FROM dumpTitle WHERE animeId = wanted.value AND type = 'official' AND language = 'en'
                                ORDER BY position LIMIT 1)) AS englishTitle
                    FROM json_each(?) AS wanted LEFT JOIN anime ON anime.id = wanted.value
                    """,
                arguments: [list]
            )
            var result: [Int: AnimeSummary] = [:]
            while let row = try rows.next() {
                let summary = AnimeSummary(
                    aid: row["aid"],
                    title: row["title"],
                    englishTitle: row["englishTitle"],
                    type: row["type"],
                    episodeCount: row["episodeCount"],
                    startDate: row["startDate"],
                    endDate: row["endDate"],
                    rating: row["ratingPermanent"],
                    picture: row["picture"],
                    documented: row["documented"],
                    adult: row["isAdult"] ?? false
                )
                guard summary.documented || summary.title != nil else { continue }
                result[summary.aid] = summary
            }
            return result
        }
    }
}
