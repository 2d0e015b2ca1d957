import Foundation
internal import GRDB

extension MirrorStore {
    /// Everything stored for one anime, or nil when we have no document for it.
    public func animeRecord(aid: Int) async throws -> AnimeRecord? {
        try await writer.readOffCooperativePool { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT * FROM anime WHERE id = ?", arguments: [aid]) else { return nil }
            func rating(_ value: String, _ count: String) -> AnimeRecord.Rating? {
                (row[value] as Double?).map { AnimeRecord.Rating(value: $0, count: row[count]) }
            }
            let titles = try Row.fetchAll(
                db,
                sql: "SELECT language, type, text FROM title WHERE animeId = ? ORDER BY position",
                arguments: [aid]
            ).map { AnimeDocument.Title(language: $0[0], type: $0[1], text: $0[2]) }
            let tags = try Row.fetchAll(
                db,
                sql: """
                    SELECT tagId, kind, parentId, name, weight, localSpoiler, globalSpoiler, verified, updatedOn
                    FROM tag WHERE animeId = ? ORDER BY weight DESC, position
                    """,
                arguments: [aid]
            ).map {
                AnimeRecord.Tag(
                    id: $0[0],
                    kind: $0[1],
                    parentId: $0[2],
                    name: $0[3],
                    weight: $0[4],
                    localSpoiler: $0[5],
                    globalSpoiler: $0[6],
                    verified: $0[7],
                    update: $0[8]
                )
            }
            let relations = try Row.fetchAll(
                db,
                sql: """
                    SELECT relatedAnimeId, type, relatedTitle FROM relation WHERE animeId = ? ORDER BY position
                    """,
                arguments: [aid]
            ).map { AnimeDocument.Relation(aid: $0[0], type: $0[1], title: $0[2]) }
            let episodes = try Row.fetchAll(
                db,
                sql: """
                    SELECT id, number, type, length, airDate, rating, votes, updatedOn, titles FROM episode
                    WHERE animeId = ? ORDER BY type, CAST(ltrim(number, 'SCTPO') AS INTEGER), number
                    """,
                arguments: [aid]
            ).map { row in
                let code: Int = row[2]
                return AnimeRecord.Episode(
                    id: row[0],
                    number: row[1],
                    type: AnimeDocument.EpisodeType(rawValue: code)?.name ?? "other",
                    typeCode: code,
                    length: row[3],
                    airDate: row[4],
                    rating: row[5],
                    votes: row[6],
                    update: row[7],
                    titles: Self.decodePairs(row[8]).map { AnimeDocument.EpisodeTitle(language: $0.0, text: $0.1) }
                )
            }
            let resources = try Row.fetchAll(
                db,
                sql: "SELECT type, identifiers, url FROM resource WHERE animeId = ? ORDER BY position",
                arguments: [aid]
            ).map { row in
                let type: Int = row[0]
                return AnimeRecord.Resource(
                    type: type,
                    site: AnimeDocument.Resource(type: type, identifiers: []).site,
                    identifiers: Self.decodeStrings(row[1]),
                    url: row[2]
                )
            }
            let creators = try Row.fetchAll(
                db,
                sql: "SELECT creatorId, type, name FROM creator WHERE animeId = ? ORDER BY position",
                arguments: [aid]
            ).map { AnimeDocument.Creator(id: $0[0], type: $0[1], name: $0[2]) }
            let fetchedAt: Double = row["fetchedAt"]
            return AnimeRecord(
                aid: aid,
                type: row["type"],
                episodeCount: row["episodeCount"],
                startDate: row["startDate"],
                endDate: row["endDate"],
                restricted: row["isRestricted"],
                adult: row["isAdult"],
                title: row["mainTitle"],
                url: row["url"],
                picture: row["picture"],
                description: row["description"],
                ratings: .init(
                    permanent: rating("ratingPermanent", "ratingPermanentCount"),
                    temporary: rating("ratingTemporary", "ratingTemporaryCount"),
                    review: rating("ratingReview", "ratingReviewCount")
                ),
                newestUpdate: row["newestUpdate"],
                fetchedAt: Date(timeIntervalSince1970: fetchedAt).formatted(.iso8601),
                titles: titles,
                tags: tags,
                relations: relations,
                episodes: episodes,
                resources: resources,
                creators: creators
            )
        }
    }

    static func decodeStrings(_ json: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(json.utf8))) ?? []
    }

    static func decodePairs(_ json: String) -> [(String, String)] {
        let pairs = (try? JSONDecoder().decode([[String]].self, from: Data(json.utf8))) ?? []
        return pairs.compactMap { $0.count == 2 ? ($0[0], $0[1]) : nil }
    }
}
