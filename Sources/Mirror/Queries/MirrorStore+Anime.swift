import Foundation
internal import GRDB

extension MirrorStore {
    /// Everything stored for one anime, or nil when we have no document for it.
    public func animeRecord(aid: Int) async throws -> AnimeRecord? {
        try await writer.readOffCooperativePool { db in
            guard let anime = try AnimeRow.fetchOne(db, sql: "SELECT * FROM anime WHERE id = ?", arguments: [aid]) else { return nil }
            let titles = try TitleRow.fetchAll(
                db,
                sql: "SELECT language, type, text FROM title WHERE animeId = ? ORDER BY position",
                arguments: [aid]
            ).map { AnimeDocument.Title(language: $0.language, type: $0.type, text: $0.text) }
            let tags = try TagRow.fetchAll(
                db,
                sql: """
                    SELECT tagId, kind, parentId, name, weight, localSpoiler, globalSpoiler, verified, updatedOn
                    FROM tag WHERE animeId = ? ORDER BY weight DESC, position
                    """,
                arguments: [aid]
            ).map(\.record)
            let relations = try RelationRow.fetchAll(
                db,
                sql: """
                    SELECT relatedAnimeId, type, relatedTitle FROM relation WHERE animeId = ? ORDER BY position
                    """,
                arguments: [aid]
            ).map { AnimeDocument.Relation(aid: $0.relatedAnimeId, type: $0.type, title: $0.relatedTitle) }
            let episodes = try EpisodeRow.fetchAll(
                db,
                sql: """
                    SELECT id, number, type, length, airDate, rating, votes, updatedOn, titles FROM episode
                    WHERE animeId = ? ORDER BY type, CAST(ltrim(number, 'SCTPO') AS INTEGER), number
                    """,
                arguments: [aid]
            ).map(\.record)
            let resources = try ResourceRow.fetchAll(
                db,
                sql: "SELECT type, identifiers, url FROM resource WHERE animeId = ? ORDER BY position",
                arguments: [aid]
            ).map(\.record)
            let creators = try CreatorRow.fetchAll(
                db,
                sql: "SELECT creatorId, type, name FROM creator WHERE animeId = ? ORDER BY position",
                arguments: [aid]
            ).map { AnimeDocument.Creator(id: $0.creatorId, type: $0.type, name: $0.name) }
            return anime.record(titles: titles, tags: tags, relations: relations, episodes: episodes, resources: resources, creators: creators)
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
