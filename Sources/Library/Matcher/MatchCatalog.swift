public import Numbering

/// What the matcher knows about AniDB, handed to it by the app from the mirror: every title (the daily titles
/// dump and the stored documents) and, for anime with a stored document, the facts titles cannot give.
///
/// The library module does not read the mirror's tables; the app builds this from the mirror's API.
public struct MatchCatalog: Sendable {
    public let titles: [CatalogTitle]
    /// Anime the mirror holds a full document for, by aid.
    public let anime: [Int: CatalogAnime]
    /// The community mapping (Anime-Lists and Kometa's ids, with corrections): TVDB and TMDB numbering to AniDB's.
    public let mapping: CommunityMapping
    /// Each aid's display title: its main title, else its English official title, else any title.
    let displayTitles: [Int: String]

    public init(titles: [CatalogTitle], anime: [Int: CatalogAnime], mapping: CommunityMapping = .empty) {
        self.titles = titles
        self.anime = anime
        self.mapping = mapping
        var best: [Int: (rank: Int, text: String)] = [:]
        for title in titles {
            let rank = title.type == "main" ? 0 : title.type == "official" && title.language == "en" ? 1 : 2
            if let existing = best[title.aid], existing.rank <= rank { continue }
            best[title.aid] = (rank, title.text)
        }
        displayTitles = best.mapValues(\.text)
    }

    /// The title to show for `aid`, when any title of it is known.
    public func title(of aid: Int) -> String? { displayTitles[aid] }
}

/// One title of one anime, as AniDB spells it.
public struct CatalogTitle: Sendable, Equatable {
    public var aid: Int
    /// `main`, `official`, `synonym` (the dump's `syn`), `short`, `kana`.
    public var type: String
    public var language: String
    public var text: String

    public init(aid: Int, type: String, language: String, text: String) {
        self.aid = aid
        self.type = type
        self.language = language
        self.text = text
    }
}

/// What a stored document says that matters for matching.
public struct CatalogAnime: Sendable, Equatable {
    public var aid: Int
    /// `TV Series`, `Movie`, `OVA`, `Web`, `TV Special`…
    public var type: String?
    /// Regular episodes; 0 or nil when unknown (still airing, or not stated).
    public var episodeCount: Int?
    /// `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
    public var startDate: String?
    public var relations: [CatalogRelation]

    public init(aid: Int, type: String?, episodeCount: Int?, startDate: String?, relations: [CatalogRelation]) {
        self.aid = aid
        self.type = type
        self.episodeCount = episodeCount
        self.startDate = startDate
        self.relations = relations
    }

    public var startYear: Int? { startDate.flatMap { Int($0.prefix(4)) } }
    public var isMovie: Bool { type?.lowercased() == "movie" }

    /// The first `Sequel` the document lists.
    public var sequel: Int? { relations.first { $0.type == "Sequel" }?.aid }
}

/// A relation as the document states it.
public struct CatalogRelation: Sendable, Equatable, Codable {
    public var aid: Int
    /// AniDB's exact string: `Sequel`, `Prequel`, `Side Story`…
    public var type: String
    /// The related anime's title as the document names it.
    public var title: String

    public init(aid: Int, type: String, title: String) {
        self.aid = aid
        self.type = type
        self.title = title
    }
}
