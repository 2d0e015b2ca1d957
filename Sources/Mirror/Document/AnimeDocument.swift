/// One AniDB HTTP API `request=anime` document, shredded into plain values.
///
/// Everything the mirror stores in SQLite comes from here; the original bytes are kept
/// separately so they can be served unchanged.
public struct AnimeDocument: Sendable, Equatable {
    public var aid: Int
    public var isRestricted: Bool
    public var type: String?
    public var episodeCount: Int?
    /// AniDB dates as given: `1999-01-03`, or partial (`1998-07`, `2000`).
    public var startDate: String?
    public var endDate: String?
    public var url: String?
    public var picture: String?
    public var description: String?
    public var ratings: [Rating] = []
    public var titles: [Title] = []
    public var tags: [Tag] = []
    public var relations: [Relation] = []
    public var episodes: [Episode] = []
    public var resources: [Resource] = []
    public var creators: [Creator] = []
    /// The newest `update="YYYY-MM-DD"` anywhere in the document.
    public var newestUpdate: String?

    public init(aid: Int, isRestricted: Bool = false) {
        self.aid = aid
        self.isRestricted = isRestricted
    }

    public struct Rating: Sendable, Equatable, Codable {
        /// `permanent`, `temporary` or `review`.
        public var kind: String
        public var value: Double
        public var count: Int?
    }

    public struct Title: Sendable, Equatable, Codable {
        public var language: String
        /// `main`, `official`, `synonym`, `short`, `kana`…
        public var type: String
        public var text: String
    }

    public struct Tag: Sendable, Equatable, Codable {
        /// `tag`, or `category` for the pre-2015 schema.
        public var kind: String
        public var id: Int
        public var parentId: Int?
        public var name: String
        public var weight: Int
        public var localSpoiler: Bool
        public var globalSpoiler: Bool
        public var verified: Bool
        public var update: String?
    }

    public struct Relation: Sendable, Equatable, Codable {
        public var aid: Int
        /// AniDB's exact string: `Sequel`, `Prequel`, `Side Story`, `Parent Story`…
        public var type: String
        public var title: String
    }

    public struct Episode: Sendable, Equatable, Codable {
        public var id: Int
        /// The episode number as AniDB writes it: `1`, `S1`, `C2`, `T1`, `P1`, `O1`.
        public var number: String
        public var type: EpisodeType
        public var length: Int?
        public var airDate: String?
        public var rating: Double?
        public var votes: Int?
        public var update: String?
        public var titles: [EpisodeTitle]
    }

    public struct EpisodeTitle: Sendable, Equatable, Codable {
        public var language: String
        public var text: String
    }

    public enum EpisodeType: Int, Sendable, Equatable, Codable {
        case regular = 1
        case special, credit, trailer, parody, other

        public var name: String {
            switch self {
            case .regular: "regular"
            case .special: "special"
            case .credit: "credit"
            case .trailer: "trailer"
            case .parody: "parody"
            case .other: "other"
            }
        }
    }

    public struct Resource: Sendable, Equatable, Codable {
        public var type: Int
        public var identifiers: [String]
        public var url: String?

        /// The site AniDB's resource type number stands for, where we know it.
        public var site: String? {
            switch type {
            case 1: "Anime News Network"
            case 2: "MyAnimeList"
            case 3: "AnimeNfo"
            case 4: "Official site (Japanese)"
            case 5: "Official site (English)"
            case 6: "Wikipedia (English)"
            case 7: "Wikipedia (Japanese)"
            case 8: "Syoboi Calendar"
            case 9: "allcinema"
            case 10: "anison.info"
            case 43: "IMDb"
            case 44: "TMDB"
            default: nil
            }
        }
    }

    public struct Creator: Sendable, Equatable, Codable {
        public var id: Int
        public var type: String
        public var name: String
    }

    /// Tag and category names whose presence marks an anime as adult, as AniDB-Service treats them.
    static let adultTagNames: Set<String> = ["18 restricted", "hentai", "pornography", "adult"]

    /// Restricted by AniDB, or carrying an adult tag: left out of listings unless `mature=true`.
    public var isAdult: Bool {
        isRestricted || tags.contains { Self.adultTagNames.contains($0.name.lowercased()) }
    }

    /// The main title (`type="main"`), else the first title.
    public var mainTitle: String? {
        (titles.first { $0.type == "main" } ?? titles.first)?.text
    }
}
