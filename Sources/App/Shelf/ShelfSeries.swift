import Mirror

/// One anime on disk as the library grid shows it: a poster card with what the user has seen of it.
struct ShelfSeries: Sendable, Equatable {
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
    /// The grid's JSON, written by hand: 2,000 of these through `JSONEncoder` cost more than reading them does.
    static func listing(_ series: [ShelfSeries]) -> [UInt8] {
        var bytes = Array(#"{"series":["#.utf8)
        bytes.reserveCapacity(series.count * 330 + 16)
        for (index, entry) in series.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: entry.json)
        }
        bytes.append(contentsOf: "]}".utf8)
        return bytes
    }

    var json: [UInt8] {
        var object = JSONText.Object(capacity: 360)
        object.field("addedAt", addedAt)
        object.field("adult", adult)
        object.field("aid", aid)
        object.field("documented", documented)
        object.field("endDate", endDate)
        object.field("englishTitle", englishTitle)
        object.field("episodeCount", episodeCount)
        object.field("episodesOnDisk", episodesOnDisk)
        object.field("files", files)
        object.field("inProgress", inProgress)
        object.field("lastWatchedAt", lastWatchedAt)
        object.field("missingEpisodes", missingEpisodes)
        object.field("offline", offline)
        object.field("rating", rating)
        object.field("startDate", startDate)
        object.field("title", title)
        object.field("type", type)
        object.field("watchedEpisodes", watchedEpisodes)
        object.field("year", year)
        return object.close()
    }

    /// AniDB's regular episodes are plain numbers; specials, credits and trailers start with a letter.
    static func isRegular(_ episode: String) -> Bool { !episode.isEmpty && episode.allSatisfy(\.isNumber) }
}
