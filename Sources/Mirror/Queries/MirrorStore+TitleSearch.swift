import Foundation
internal import GRDB

/// One anime found by `/api/search`.
public struct TitleMatch: Sendable, Codable, Equatable {
    public var aid: Int
    /// The anime's main title.
    public var title: String?
    /// The title that matched, in its language.
    public var matchedTitle: String
    public var language: String
    public var titleType: String
    public var score: Int
    /// False for anime known only from AniDB's titles dump (no document fetched yet).
    public var hasDocument: Bool
}

extension MirrorStore {
    /// Searches every title in every language, case- and accent-insensitively; best matches first.
    /// Covers the titles of stored documents and, for anime without one, AniDB's titles dump.
    ///
    /// Exact matches rank above prefixes, prefixes above whole-word matches, those above substrings;
    /// main and official titles win ties over synonyms.
    public func searchTitles(_ query: String, limit: Int, mature: Bool) async throws -> [TitleMatch] {
        let needle = TitleNormalizer.normalize(query)
        guard !needle.isEmpty else { return [] }
        let pattern =
            "%"
            + needle.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        return try await writer.readOffCooperativePool { db in
            let rows = try TitleHitRow.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT title.animeId AS aid, anime.mainTitle AS title, title.text AS matchedTitle, title.language,
                            title.type, title.normalized, 1 AS hasDocument
                        FROM title JOIN anime ON anime.id = title.animeId
                        WHERE title.normalized LIKE ?1 ESCAPE '\\' AND (?2 OR NOT anime.isAdult)
                        UNION ALL
                        SELECT dump.animeId,
                            (SELECT main.text FROM dumpTitle AS main WHERE main.animeId = dump.animeId AND main.type = 'main'),
                            dump.text, dump.language, dump.type, dump.normalized, 0
                        FROM dumpTitle AS dump
                        WHERE dump.normalized LIKE ?1 ESCAPE '\\'
                            AND NOT EXISTS (SELECT 1 FROM anime WHERE anime.id = dump.animeId)
                        LIMIT 5000
                        """
                ),
                arguments: [pattern, mature]
            )
            var best: [Int: TitleMatch] = [:]
            for row in rows {
                let normalized = row.normalized
                let type = row.type
                var score: Int
                if normalized == needle {
                    score = 1000
                } else if normalized.hasPrefix(needle + " ") || normalized.hasPrefix(needle) {
                    score = 800
                } else if (" " + normalized + " ").contains(" " + needle + " ") {
                    score = 600
                } else if (" " + normalized).contains(" " + needle) {
                    score = 500
                } else {
                    score = 300
                }
                score += ["main": 30, "official": 20, "synonym": 10, "short": 5][type] ?? 0
                score -= min(normalized.count - needle.count, 99) / 3  // closer lengths are closer matches
                let match = TitleMatch(
                    aid: row.aid,
                    title: row.title,
                    matchedTitle: row.matchedTitle,
                    language: row.language,
                    titleType: type,
                    score: score,
                    hasDocument: row.hasDocument
                )
                if let current = best[match.aid], current.score >= score { continue }
                best[match.aid] = match
            }
            return best.values.sorted { ($0.score, -$0.aid) > ($1.score, -$1.aid) }.prefix(limit).map { $0 }
        }
    }
}
