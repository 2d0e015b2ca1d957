/// Why a mapping file was refused. Its description is one line for the log, `/api/mirror/status` and `/mirror`;
/// a refused file replaces nothing.
public struct MappingFileError: Swift.Error, Sendable, Equatable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}

/// Bounds every number in a mapping file must keep: anything outside is an error in the file, not a mapping.
enum MappingLimits {
    /// Ids of TVDB, TMDB, MAL, AniList and AniDB all fit well below this.
    static let maxID = 100_000_000
    static let maxSeason = 1000
    /// One Piece has passed 1,100 episodes; an offset of this size is a typo or an attack.
    static let maxOffset = 20_000
    static let maxEpisode = 100_000
}
