import Accounts
import Foundation
import Library
import Mirror
import Numbering

/// What the series page shows: AniDB's facts, its relations marked on disk or missing, its episodes, and the files
/// on disk with the user's watch state.
struct SeriesPage: Sendable, Encodable {
    var aid: Int
    var title: String
    var titles: [AnimeDocument.Title]
    var type: String?
    var episodeCount: Int?
    var startDate: String?
    var endDate: String?
    var rating: Double?
    var ratingVotes: Int?
    /// AniDB's text, with its `[url=…]…[/url]` links still in it: the page turns those (and only those) into links.
    var description: String?
    var url: String?
    var adult: Bool
    /// The heaviest tags first, spoilers left out.
    var tags: [String]
    var relations: [Relation]
    var episodes: [Episode]
    var files: [File]
    /// Library series ids the files come from (what "fix match" changes).
    var librarySeries: [Int64]
    /// Why AniDB's details are missing, while they are on their way.
    var pending: String?
    var documented: Bool
    /// Its TVDB (series, season, offset), TMDB, IMDb, MAL and AniList ids, from the community mapping.
    var ids: ExternalIDs?

    struct Relation: Sendable, Encodable {
        var aid: Int
        var type: String
        var title: String
        var onDisk: Bool
        /// `sonarr` or `radarr`: where an admin can send it when it is missing.
        var sendTo: String? = nil
    }

    struct Episode: Sendable, Encodable {
        var number: String
        /// `regular`, `special`, `credit`, `trailer`, `parody`, `other`.
        var kind: String
        var title: String?
        var airDate: String?
        var length: Int?

        static func kind(typeCode: Int) -> String {
            switch typeCode {
            case 1: "regular"
            case 2: "special"
            case 3: "credit"
            case 4: "trailer"
            case 5: "parody"
            default: "other"
            }
        }

        /// English, else the romanised title, else any.
        static func title(_ titles: [AnimeDocument.EpisodeTitle]) -> String? {
            (titles.first { $0.language == "en" } ?? titles.first { $0.language == "x-jat" } ?? titles.first)?.text
        }
    }

    struct File: Sendable, Encodable {
        var fileId: Int64
        var name: String
        /// Admins only: where it lies on disk.
        var path: String?
        var episode: String
        var resolution: String?
        var video: String?
        var audio: String?
        var group: String?
        var source: String?
        var size: Int
        var offline: Bool
        var matchSource: String
        /// How the match was made: `tag`, `mapping`, `title`, `sequel`, `manual`.
        var method: String
        /// For a file named in TVDB or TMDB numbering: `TVDB S02E13 → Durarara!!x2 Ten, episode 1 (anime-lists)`.
        var numbering: String?
        var confidence: Double
        var position: Double
        var duration: Double
        var watched: Bool

        init(_ file: LibraryFile, _ match: FileMatch, state: WatchProgress?, isAdmin: Bool) {
            func text(_ key: String) -> String? {
                switch file.parsed[key] {
                case .one(let value): value
                case .many(let values): values.joined(separator: " ")
                case nil: nil
                }
            }
            fileId = file.id
            name = (file.path as NSString).lastPathComponent
            path = isAdmin ? file.path : nil
            episode = match.episode ?? "1"
            resolution = text("video_resolution")
            video = text("video_term")
            audio = text("audio_term")
            group = text("release_group")
            source = text("source")
            size = file.size
            offline = file.offline
            matchSource = match.source.rawValue
            method = match.method.rawValue
            numbering = match.numbering?.summary
            confidence = match.confidence
            position = state?.position ?? 0
            duration = state?.duration ?? 0
            watched = state?.watched ?? false
        }
    }
}

/// The player's surroundings: which series and episode is playing, and what comes next.
struct WatchContext: Sendable, Encodable {
    var fileId: Int64
    var name: String
    var aid: Int?
    var seriesTitle: String?
    var episode: String?
    var episodeTitle: String?
    var next: Next?
    /// The file's chapters and what each is (`opening`, `ending`, `preview`, `recap`, `prologue`, `episode`); empty
    /// for a file without chapters, nil when the file cannot be read now.
    var chapters: [Chapter]? = nil

    struct Chapter: Sendable, Encodable {
        var title: String?
        var start: Double
        var end: Double
        var kind: String
    }

    struct Next: Sendable, Encodable {
        var fileId: Int64
        var episode: String
        var title: String?
    }
}
