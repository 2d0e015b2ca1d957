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
}

extension MirrorStore {
    /// Searches every title in every language, case- and accent-insensitively; best matches first.
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
        return try await writer.read { db in
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT title.animeId, anime.mainTitle, title.text, title.language, title.type, title.normalized
                        FROM title JOIN anime ON anime.id = title.animeId
                        WHERE title.normalized LIKE ? ESCAPE '\\' AND (? OR NOT anime.isAdult)
                        LIMIT 5000
                        """
                ),
                arguments: [pattern, mature]
            )
            var best: [Int: TitleMatch] = [:]
            for row in rows {
                let normalized: String = row[5]
                let type: String = row[4]
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
                    aid: row[0],
                    title: row[1],
                    matchedTitle: row[2],
                    language: row[3],
                    titleType: type,
                    score: score
                )
                if let current = best[match.aid], current.score >= score { continue }
                best[match.aid] = match
            }
            return best.values.sorted { ($0.score, -$0.aid) > ($1.score, -$1.aid) }.prefix(limit).map { $0 }
        }
    }
}
