import Foundation
internal import GRDB

// The rows the mirror's read paths (an anime, a title search, a franchise) read, decoded by column name.

/// A row of `anime`.
struct AnimeRow: FetchableRecord, Decodable {
    var id: Int
    var type: String?
    var episodeCount: Int?
    var startDate: String?
    var endDate: String?
    var isRestricted: Bool
    var isAdult: Bool
    var mainTitle: String?
    var url: String?
    var picture: String?
    var description: String?
    var ratingPermanent: Double?
    var ratingPermanentCount: Int?
    var ratingTemporary: Double?
    var ratingTemporaryCount: Int?
    var ratingReview: Double?
    var ratingReviewCount: Int?
    var newestUpdate: String?
    var fetchedAt: Double

    func record(
        titles: [AnimeDocument.Title],
        tags: [AnimeRecord.Tag],
        relations: [AnimeDocument.Relation],
        episodes: [AnimeRecord.Episode],
        resources: [AnimeRecord.Resource],
        creators: [AnimeDocument.Creator]
    ) -> AnimeRecord {
        func rating(_ value: Double?, _ count: Int?) -> AnimeRecord.Rating? { value.map { AnimeRecord.Rating(value: $0, count: count) } }
        return AnimeRecord(
            aid: id,
            type: type,
            episodeCount: episodeCount,
            startDate: startDate,
            endDate: endDate,
            restricted: isRestricted,
            adult: isAdult,
            title: mainTitle,
            url: url,
            picture: picture,
            description: description,
            ratings: .init(
                permanent: rating(ratingPermanent, ratingPermanentCount),
                temporary: rating(ratingTemporary, ratingTemporaryCount),
                review: rating(ratingReview, ratingReviewCount)
            ),
            newestUpdate: newestUpdate,
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

struct TitleRow: FetchableRecord, Decodable {
    var language: String
    var type: String
    var text: String
}

struct TagRow: FetchableRecord, Decodable {
    var tagId: Int
    var kind: String
    var parentId: Int?
    var name: String
    var weight: Int
    var localSpoiler: Bool
    var globalSpoiler: Bool
    var verified: Bool
    var updatedOn: String?

    var record: AnimeRecord.Tag {
        AnimeRecord.Tag(
            id: tagId,
            kind: kind,
            parentId: parentId,
            name: name,
            weight: weight,
            localSpoiler: localSpoiler,
            globalSpoiler: globalSpoiler,
            verified: verified,
            update: updatedOn
        )
    }
}

struct RelationRow: FetchableRecord, Decodable {
    var relatedAnimeId: Int
    var type: String
    var relatedTitle: String
}

struct EpisodeRow: FetchableRecord, Decodable {
    var id: Int
    var number: String
    /// AniDB's episode type code (1 regular, 2 special, …).
    var type: Int
    var length: Int?
    var airDate: String?
    var rating: Double?
    var votes: Int?
    var updatedOn: String?
    /// JSON `[[language, text], …]`.
    var titles: String

    var record: AnimeRecord.Episode {
        AnimeRecord.Episode(
            id: id,
            number: number,
            type: AnimeDocument.EpisodeType(rawValue: type)?.name ?? "other",
            typeCode: type,
            length: length,
            airDate: airDate,
            rating: rating,
            votes: votes,
            update: updatedOn,
            titles: MirrorStore.decodePairs(titles).map { AnimeDocument.EpisodeTitle(language: $0.0, text: $0.1) }
        )
    }
}

struct ResourceRow: FetchableRecord, Decodable {
    var type: Int
    /// JSON `[identifier, …]`.
    var identifiers: String
    var url: String?

    var record: AnimeRecord.Resource {
        AnimeRecord.Resource(
            type: type,
            site: AnimeDocument.Resource(type: type, identifiers: []).site,
            identifiers: MirrorStore.decodeStrings(identifiers),
            url: url
        )
    }
}

struct CreatorRow: FetchableRecord, Decodable {
    var creatorId: Int
    var type: String
    var name: String
}

/// One title that matched a search: from a stored document (`hasDocument`) or from the titles dump.
struct TitleHitRow: FetchableRecord, Decodable {
    var aid: Int
    /// The anime's main title; nil for a dump entry without one.
    var title: String?
    var matchedTitle: String
    var language: String
    var type: String
    var normalized: String
    var hasDocument: Bool
}

/// What a franchise graph shows of a stored anime.
struct FranchiseAnimeRow: FetchableRecord, Decodable {
    var mainTitle: String?
    var type: String?
    var startDate: String?
    var isAdult: Bool
}

// The matching catalog reads every title and relation (a hundred thousand rows and more): these decode by column
// name in `init(row:)`, which costs far less than `Decodable` per row.

struct CatalogTitleRow: FetchableRecord {
    var animeId: Int
    var type: String
    var language: String
    var text: String

    init(row: Row) {
        animeId = row["animeId"]
        type = row["type"]
        language = row["language"]
        text = row["text"]
    }
}

struct CatalogRelationRow: FetchableRecord {
    var animeId: Int
    var relatedAnimeId: Int
    var type: String
    var relatedTitle: String

    init(row: Row) {
        animeId = row["animeId"]
        relatedAnimeId = row["relatedAnimeId"]
        type = row["type"]
        relatedTitle = row["relatedTitle"]
    }
}

struct CatalogAnimeRow: FetchableRecord {
    var id: Int
    var type: String?
    var episodeCount: Int?
    var startDate: String?

    init(row: Row) {
        id = row["id"]
        type = row["type"]
        episodeCount = row["episodeCount"]
        startDate = row["startDate"]
    }
}
