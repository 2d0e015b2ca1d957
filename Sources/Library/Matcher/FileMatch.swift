/// What the matcher decided for one file.
public struct FileMatch: Sendable, Codable, Equatable {
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

    public init(
        fileId: Int64,
        path: String,
        aid: Int?,
        episode: String?,
        confidence: Double,
        source: Source,
        applied: Bool,
        candidates: [MatchCandidate],
        note: String?
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
