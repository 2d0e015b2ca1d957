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
        try await writer.readOffCooperativePool { db in
            let name = try String.fetchOne(
                db.cachedStatement(sql: "SELECT name FROM tag WHERE kind = 'tag' AND tagId = ? LIMIT 1"),
                arguments: [tagID]
            )
            // Walks tag_kind_tagId_weight in order and stops at `limit`: no sort, no join.
            let rows = try Row.fetchAll(
                db.cachedStatement(
                    sql: """
                        SELECT animeId, weight FROM tag
                        WHERE kind = 'tag' AND tagId = ? AND (? OR animeIsAdult = 0)
                        ORDER BY weight DESC, animeId LIMIT ?
                        """
                ),
                arguments: [tagID, mature, limit]
            )
            let results = rows.map { TagListing.Entry(aid: $0["animeId"], weight: $0["weight"]) }
            return TagListing(tagID: tagID, tagName: name, limit: limit, mature: mature, count: results.count, results: results)
        }
    }

    /// Anime matching any of the tag names (case-insensitive) at `minWeight` or more, most matches first,
    /// then by aid.
    ///
    /// Popular tags match thousands of anime, so the counting happens here over a covering-index scan per
    /// name rather than in a SQL `GROUP BY` with a temporary B-tree.
    public func searchTags(_ names: [String], minWeight: Int, mature: Bool, limit: Int = 100) async throws -> TagSearch {
        var seen = Set<String>()
        let keys = names.map { $0.lowercased() }.filter { seen.insert($0).inserted }
        return try await writer.readOffCooperativePool { db in
            // Two statements rather than `(? OR animeIsAdult = 0)`: the scan tests nothing it does not need per row.
            let statement = try db.cachedStatement(
                sql: mature
                    ? "SELECT animeId FROM tag WHERE nameKey = ? AND weight >= ?"
                    : "SELECT animeId FROM tag WHERE nameKey = ? AND weight >= ? AND animeIsAdult = 0"
            )
            // Counted in arrays indexed by aid (aids are dense: AniDB's run to about 20,000), not a dictionary:
            // popular tags match thousands of anime and hashing each row cost more than reading it.
            // Aids past `dense` (none on AniDB today) are counted in a dictionary, so a stray huge aid costs no memory.
            let maxAID = try Int.fetchOne(db, sql: "SELECT max(id) FROM anime") ?? 0
            let dense = min(max(maxAID, 0), 1 << 20) + 1
            var counts = [UInt16](repeating: 0, count: dense)
            // The last name counted for each aid, plus one: a name listed twice on one anime (as tag and as
            // category) counts once.
            var lastKey = [UInt16](repeating: 0, count: dense)
            var sparse: [Int: (count: UInt16, lastKey: UInt16)] = [:]
            var best: UInt16 = 0
            for (index, key) in keys.enumerated() {
                let mark = UInt16(clamping: index + 1)
                try StatementBinder.forEachInt(statement) {
                    $0.bind(key)
                    $0.bind(minWeight)
                } body: { aid in
                    if aid >= 0 && aid < dense {
                        guard lastKey[aid] != mark else { return }
                        lastKey[aid] = mark
                        counts[aid] &+= 1
                        best = max(best, counts[aid])
                    } else {
                        var entry = sparse[aid] ?? (0, 0)
                        guard entry.lastKey != mark else { return }
                        entry = (entry.count &+ 1, mark)
                        sparse[aid] = entry
                        best = max(best, entry.count)
                    }
                }
            }
            // Most matches first, then by aid: one pass over the counts per match count, in aid order, until full.
            var ranked: [TagSearch.Entry] = []
            var wanted = best
            while wanted > 0 && ranked.count < limit {
                for aid in counts.indices where counts[aid] == wanted && ranked.count < limit {
                    ranked.append(TagSearch.Entry(aid: aid, tagMatches: Int(wanted)))
                }
                for aid in sparse.filter({ $0.value.count == wanted }).keys.sorted() where ranked.count < limit {
                    ranked.append(TagSearch.Entry(aid: aid, tagMatches: Int(wanted)))
                }
                wanted -= 1
            }
            return TagSearch(
                query: names,
                minWeight: minWeight,
                mature: mature,
                results: ranked
            )
        }
    }
}
