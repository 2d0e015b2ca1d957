internal import GRDB

/// Kometa / AniDB-Service `GET /tags/{tag_id}`.
public struct TagListing: Sendable, Codable, Equatable {
    public var tagID: Int
    public var tagName: String?
    public var limit: Int
    public var mature: Bool
    public var count: Int
    public var results: [Entry]

    public struct Entry: Sendable, Codable, Equatable {
        public var aid: Int
        public var weight: Int
    }

    enum CodingKeys: String, CodingKey {
        case tagID = "tag_id"
        case tagName = "tag_name"
        case limit, mature, count, results
    }

    /// AniDB-Service sends `"tag_name": null` for an unknown tag; the synthesised encoder would drop the key.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(tagID, forKey: .tagID)
        try container.encode(tagName, forKey: .tagName)
        try container.encode(limit, forKey: .limit)
        try container.encode(mature, forKey: .mature)
        try container.encode(count, forKey: .count)
        try container.encode(results, forKey: .results)
    }
}

/// Kometa / AniDB-Service `GET /search/tags`.
public struct TagSearch: Sendable, Codable, Equatable {
    public var query: [String]
    public var minWeight: Int
    public var mature: Bool
    public var results: [Entry]

    public struct Entry: Sendable, Codable, Equatable {
        public var aid: Int
        public var tagMatches: Int

        enum CodingKeys: String, CodingKey {
            case aid
            case tagMatches = "tag_matches"
        }
    }

    enum CodingKeys: String, CodingKey {
        case query
        case minWeight = "min_weight"
        case mature, results
    }
}

extension MirrorStore {
    /// Anime carrying tag `tagID`, heaviest first. `mature: false` leaves adult anime out.
    public func anime(withTag tagID: Int, limit: Int, mature: Bool) async throws -> TagListing {
        try await writer.read { db in
            let name = try String.fetchOne(
                db,
                sql: "SELECT name FROM tag WHERE tagId = ? AND kind = 'tag' LIMIT 1",
                arguments: [tagID]
            )
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT tag.animeId, tag.weight FROM tag JOIN anime ON anime.id = tag.animeId
                        WHERE tag.tagId = ? AND tag.kind = 'tag' AND (? OR NOT anime.isAdult)
                        ORDER BY tag.weight DESC, tag.animeId LIMIT ?
                        """
                ),
                arguments: [tagID, mature, limit]
            )
            let results = rows.map { TagListing.Entry(aid: $0[0], weight: $0[1]) }
            return TagListing(
                tagID: tagID,
                tagName: name,
                limit: limit,
                mature: mature,
                count: results.count,
                results: results
            )
        }
    }

    /// Anime matching any of the tag names (case-insensitive) at `minWeight` or more, most matches first.
    public func searchTags(_ names: [String], minWeight: Int, mature: Bool, limit: Int = 100) async throws -> TagSearch {
        let keys = Array(Set(names.map { $0.lowercased() }))
        guard !keys.isEmpty else { return TagSearch(query: names, minWeight: minWeight, mature: mature, results: []) }
        return try await writer.read { db in
            let placeholders = Array(repeating: "?", count: keys.count).joined(separator: ",")
            var arguments = StatementArguments(keys)
            arguments += [minWeight, mature, limit]
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT tag.animeId, COUNT(DISTINCT tag.nameKey) AS matches FROM tag JOIN anime ON anime.id = tag.animeId
                    WHERE tag.nameKey IN (\(placeholders)) AND tag.weight >= ? AND (? OR NOT anime.isAdult)
                    GROUP BY tag.animeId ORDER BY matches DESC, tag.animeId LIMIT ?
                    """,
                arguments: arguments
            )
            return TagSearch(
                query: names,
                minWeight: minWeight,
                mature: mature,
                results: rows.map { TagSearch.Entry(aid: $0[0], tagMatches: $0[1]) }
            )
        }
    }
}
