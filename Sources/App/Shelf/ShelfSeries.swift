import Mirror

/// One anime on disk as the library grid shows it: a poster card with what the user has seen of it.
struct ShelfSeries: Sendable, Encodable, Equatable {
    var aid: Int
    var title: String
    var englishTitle: String?
    var type: String?
    var year: Int?
    var startDate: String?
    var endDate: String?
    /// Regular episodes AniDB lists; nil when unknown (not documented yet, or still airing).
    var episodeCount: Int?
    var rating: Double?
    var adult: Bool
    /// False while the mirror holds no document for it (only its title is known).
    var documented: Bool
    var files: Int
    /// Distinct regular episodes with a file.
    var episodesOnDisk: Int
    /// Regular episodes AniDB lists that have no file (0 when the count is unknown).
    var missingEpisodes: Int
    /// Regular episodes on disk the user has watched.
    var watchedEpisodes: Int
    /// Something started and not finished, or some episodes watched and not all.
    var inProgress: Bool
    /// When the newest file of it was first seen (ISO 8601 order: Unix seconds).
    var addedAt: Double
    var lastWatchedAt: Double?
    /// Every file of it sits on a disk that is offline.
    var offline: Bool
}

extension ShelfSeries {
    /// AniDB's regular episodes are plain numbers; specials, credits and trailers start with a letter.
    static func isRegular(_ episode: String) -> Bool { !episode.isEmpty && episode.allSatisfy(\.isNumber) }
}
