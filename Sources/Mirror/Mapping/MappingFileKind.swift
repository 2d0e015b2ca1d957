public import Numbering

/// The two community files the mirror keeps.
public enum MappingFileKind: String, Sendable, CaseIterable, Codable {
    /// Anime-Lists' `anime-list-master.xml`: TVDB and TMDB places with per-episode mappings.
    case animeList = "anime-list-master.xml"
    /// Kometa's `anime_ids.json`: TVDB, TMDB, IMDb, MAL and AniList ids.
    case animeIDs = "anime_ids.json"

    /// The file's name in the data folder (and in PostgreSQL, when shared).
    public var fileName: String { rawValue }

    /// Most bytes a download or an import may have: the real files are 3.5 and 1.7 MB.
    public static let maxBytes = 64 << 20

    /// How many anime the file lists, or why it is refused. Nothing is kept unless this succeeds.
    public func validate(_ bytes: [UInt8]) throws(MappingFileError) -> Int {
        switch self {
        case .animeList: try AnimeListParser.parse(bytes).count
        case .animeIDs: try AnimeIDsParser.parse(bytes).count
        }
    }
}
