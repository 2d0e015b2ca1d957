import Foundation
public import Numbering

/// What the matcher decided for one file.
public struct FileMatch: Sendable, Codable, Equatable {
    /// How the anime was found.
    public enum Method: String, Sendable, Codable {
        /// A `{tvdb-N}`, `{tmdb-N}` or `{imdb-tt…}` tag in the name or a folder, through the community mapping.
        case tag
        /// The title named a series, and the community mapping turned its TVDB season and episode into AniDB's.
        case mapping
        /// The title (with its season and year).
        case title
        /// The title, then the Sequel chain of AniDB's documents (a later season, or an absolute episode number).
        case sequel
        /// A person chose it.
        case manual
    }

    public enum Source: String, Sendable, Codable {
        /// Found by the matcher.
        case auto
        /// A person chose the anime for the file's series.
        case series
        /// A person chose the anime (and maybe the episode) for this file.
        case file
    }

    public var fileId: Int64
    public var path: String
    /// The best candidate's aid (or the manual choice); nil when nothing came close.
    public var aid: Int?
    /// AniDB's episode number: `5`, `S1`, `C1`, `T1`; nil for a movie's single part or when unknown.
    public var episode: String?
    /// 0…1. Manual matches are 1.
    public var confidence: Double
    public var source: Source
    /// True when the match counts: manual, or automatic at or above `matcher.min_confidence`.
    public var applied: Bool
    /// The best candidates, best first (the first is `aid` for an automatic match).
    public var candidates: [MatchCandidate]
    /// Why the confidence is lower than the title score, when it is.
    public var note: String?
    public var method: Method
    /// For a file numbered by TVDB or TMDB (or a movie named by its TMDB or IMDb id): the file's own numbering and
    /// how the mapping turned it into AniDB's.
    public var numbering: MatchNumbering?

    public init(
        fileId: Int64,
        path: String,
        aid: Int?,
        episode: String?,
        confidence: Double,
        source: Source,
        applied: Bool,
        candidates: [MatchCandidate],
        note: String?,
        method: Method = .title,
        numbering: MatchNumbering? = nil
    ) {
        self.fileId = fileId
        self.path = path
        self.aid = aid
        self.episode = episode
        self.confidence = confidence
        self.source = source
        self.applied = applied
        self.candidates = candidates
        self.note = note
        self.method = method
        self.numbering = numbering
    }
}

/// A file's place in another numbering, and the AniDB place the community mapping gave it.
public struct MatchNumbering: Sendable, Codable, Equatable {
    /// `tvdb`, `tmdb` (a series or a movie) or `imdb`.
    public var scheme: String
    /// The series' or movie's id there.
    public var id: String
    public var season: Int?
    public var episode: Int?
    public var source: MappingSource
    /// The mapping's rule that placed it (`the default season and offset 12`).
    public var rule: String
    /// For people: `TVDB S02E13 → Durarara!!x2 Ten, episode 1 (anime-lists)`.
    public var summary: String

    public init(scheme: String, id: String, season: Int?, episode: Int?, source: MappingSource, rule: String, summary: String) {
        self.scheme = scheme
        self.id = id
        self.season = season
        self.episode = episode
        self.source = source
        self.rule = rule
        self.summary = summary
    }

    /// `TVDB S02E13`, `TVDB 1000` (absolute), `TMDB movie 372058`.
    public var place: String {
        let label = scheme.uppercased() == "IMDB" ? "IMDb" : scheme.uppercased()
        switch (season, episode) {
        case (let season?, let episode?): return label + String(format: " S%02dE%02d", season, episode)
        case (nil, let episode?): return "\(label) \(id) episode \(episode)"
        default: return "\(label) \(id)"
        }
    }
}

/// Choices a person made; they win over the matcher and survive rescans, renames and moves.
public struct MatchOverrides: Sendable, Equatable {
    /// By library series id: the anime every file of the series belongs to.
    public var series: [Int64: Int]
    /// By file id: the anime, and the episode when given.
    public var files: [Int64: (aid: Int, episode: String?)]

    public init(series: [Int64: Int] = [:], files: [Int64: (aid: Int, episode: String?)] = [:]) {
        self.series = series
        self.files = files
    }

    public static func == (lhs: Self, rhs: Self) -> Bool {
        lhs.series == rhs.series && lhs.files.mapValues { "\($0.aid)/\($0.episode ?? "")" } == rhs.files.mapValues { "\($0.aid)/\($0.episode ?? "")" }
    }
}

/// One matching run over the whole library.
public struct MatchRun: Sendable {
    public var matches: [FileMatch]
    /// Aids whose AniDB documents the matcher would like (to follow a sequel chain or number episodes), first the
    /// ones that would settle a match.
    public var wanted: [Int]
    public var seconds: Double

    public var applied: Int { matches.count { $0.applied } }
}
