/// The whole shredded anime, as `/api/anime/{aid}` returns it.
public struct AnimeRecord: Sendable, Codable, Equatable {
    public var aid: Int
    public var type: String?
    public var episodeCount: Int?
    public var startDate: String?
    public var endDate: String?
    public var restricted: Bool
    public var adult: Bool
    public var title: String?
    public var url: String?
    public var picture: String?
    public var description: String?
    public var ratings: Ratings
    public var newestUpdate: String?
    /// ISO 8601 time AniDB produced the stored document.
    public var fetchedAt: String
    public var titles: [AnimeDocument.Title]
    public var tags: [Tag]
    public var relations: [AnimeDocument.Relation]
    public var episodes: [Episode]
    public var resources: [Resource]
    public var creators: [AnimeDocument.Creator]

    public struct Ratings: Sendable, Codable, Equatable {
        public var permanent: Rating?
        public var temporary: Rating?
        public var review: Rating?
    }

    public struct Rating: Sendable, Codable, Equatable {
        public var value: Double
        public var count: Int?
    }

    public struct Tag: Sendable, Codable, Equatable {
        public var id: Int
        public var kind: String
        public var parentId: Int?
        public var name: String
        public var weight: Int
        public var localSpoiler: Bool
        public var globalSpoiler: Bool
        public var verified: Bool
        public var update: String?
    }

    public struct Episode: Sendable, Codable, Equatable {
        public var id: Int
        public var number: String
        public var type: String
        public var typeCode: Int
        public var length: Int?
        public var airDate: String?
        public var rating: Double?
        public var votes: Int?
        public var update: String?
        public var titles: [AnimeDocument.EpisodeTitle]
    }

    public struct Resource: Sendable, Codable, Equatable {
        public var type: Int
        public var site: String?
        public var identifiers: [String]
        public var url: String?
    }
}
