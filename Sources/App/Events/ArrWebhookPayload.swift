import Library

/// The JSON Sonarr's webhook connection posts, as its payload classes define it (Sonarr's
/// `src/NzbDrone.Core/Notifications/Webhook/`: `WebhookPayload.cs`, `WebhookImportPayload.cs`,
/// `WebhookRenamePayload.cs`, `WebhookEpisodeDeletePayload.cs`, `WebhookSeriesDeletePayload.cs`, `WebhookSeries.cs`,
/// `WebhookEpisode.cs`, `WebhookEpisodeFile.cs`, `WebhookRenamedEpisodeFile.cs`), camel-cased as it sends them.
/// Only what Anikura uses is read; the rest is ignored.
struct SonarrWebhookPayload: Decodable {
    struct Series: Decodable {
        var title: String?
        var path: String?
        var tvdbId: Int?
        var imdbId: String?
    }

    struct Episode: Decodable {
        var episodeNumber: Int
        var seasonNumber: Int
    }

    struct EpisodeFile: Decodable {
        var relativePath: String?
        var path: String?
        var previousPath: String?
    }

    var eventType: String
    var series: Series?
    var episodes: [Episode]?
    var episodeFile: EpisodeFile?
    /// `Download`: the files an upgrade replaced; `SeriesDelete`: whether the files went too.
    var deletedFiles: DeletedFiles?
    var renamedEpisodeFiles: [EpisodeFile]?
}

/// The JSON Radarr's webhook posts (Radarr's `src/NzbDrone.Core/Notifications/Webhook/`: `WebhookImportPayload.cs`,
/// `WebhookRenamePayload.cs`, `WebhookMovieFileDeletePayload.cs`, `WebhookMovieDeletePayload.cs`, `WebhookMovie.cs`,
/// `WebhookRemoteMovie.cs`, `WebhookMovieFile.cs`, `WebhookRenamedMovieFile.cs`).
struct RadarrWebhookPayload: Decodable {
    struct Movie: Decodable {
        var title: String?
        var folderPath: String?
        var tmdbId: Int?
        var imdbId: String?
    }

    struct MovieFile: Decodable {
        var relativePath: String?
        var path: String?
        var previousPath: String?
    }

    var eventType: String
    var movie: Movie?
    var remoteMovie: Movie?
    var movieFile: MovieFile?
    var deletedFiles: DeletedFiles?
    var renamedMovieFiles: [MovieFile]?
}

/// `deletedFiles` is a list of files in an import (the files an upgrade replaced) and a flag in a series or movie
/// deletion (whether the files went with it).
enum DeletedFiles: Decodable {
    struct File: Decodable {
        var path: String?
    }

    case files([File])
    case flag(Bool)

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let flag = try? container.decode(Bool.self) {
            self = .flag(flag)
        } else {
            self = .files(try container.decode([File].self))
        }
    }

    var paths: [String] {
        if case .files(let files) = self { return files.compactMap(\.path) }
        return []
    }

    var flag: Bool {
        if case .flag(let flag) = self { return flag }
        return false
    }
}

/// What a webhook asks of the library, in the other program's paths: rescan these, these are deleted, these files
/// are these episodes.
struct ArrWebhookWork {
    var paths: [String] = []
    var gone: [String] = []
    var hints: [String: FileHint] = [:]

    /// Sonarr's event, or nil for one that asks nothing of the library (`Test`, `Grab`, `Health`…).
    init?(_ payload: SonarrWebhookPayload) {
        switch payload.eventType {
        case "Download":
            guard let file = payload.episodeFile?.path ?? Self.join(payload.series?.path, payload.episodeFile?.relativePath) else {
                return nil
            }
            paths.append(file)
            let replaced = payload.deletedFiles?.paths ?? []
            paths += replaced
            gone += replaced.filter { $0 != file }
            let episodes = payload.episodes ?? []
            if let tvdb = payload.series?.tvdbId, tvdb > 0, let first = episodes.first,
                episodes.allSatisfy({ $0.seasonNumber == first.seasonNumber })
            {
                hints[file] = FileHint(
                    source: "sonarr",
                    tvdb: tvdb,
                    imdb: payload.series?.imdbId.flatMap { $0.isEmpty ? nil : $0 },
                    season: first.seasonNumber,
                    episodes: episodes.map(\.episodeNumber).sorted()
                )
            }
        case "Rename":
            for file in payload.renamedEpisodeFiles ?? [] {
                if let path = file.path { paths.append(path) }
                if let previous = file.previousPath {
                    paths.append(previous)
                    gone.append(previous)
                }
            }
        case "EpisodeFileDelete":
            guard let file = payload.episodeFile?.path ?? Self.join(payload.series?.path, payload.episodeFile?.relativePath) else {
                return nil
            }
            paths = [file]
            gone = [file]
        case "SeriesDelete":
            guard let folder = payload.series?.path else { return nil }
            paths = [folder]
            if payload.deletedFiles?.flag == true { gone = [folder] }
        default:
            return nil
        }
        guard !paths.isEmpty else { return nil }
    }

    /// Radarr's event, or nil for one that asks nothing of the library.
    init?(_ payload: RadarrWebhookPayload) {
        switch payload.eventType {
        case "Download":
            guard let file = payload.movieFile?.path ?? Self.join(payload.movie?.folderPath, payload.movieFile?.relativePath) else {
                return nil
            }
            paths.append(file)
            let replaced = payload.deletedFiles?.paths ?? []
            paths += replaced
            gone += replaced.filter { $0 != file }
            let tmdb = payload.movie?.tmdbId ?? payload.remoteMovie?.tmdbId
            let imdb = (payload.movie?.imdbId ?? payload.remoteMovie?.imdbId).flatMap { $0.hasPrefix("tt") ? $0 : nil }
            if (tmdb ?? 0) > 0 || imdb != nil {
                hints[file] = FileHint(source: "radarr", tmdb: (tmdb ?? 0) > 0 ? tmdb : nil, imdb: imdb)
            }
        case "Rename":
            for file in payload.renamedMovieFiles ?? [] {
                if let path = file.path { paths.append(path) }
                if let previous = file.previousPath {
                    paths.append(previous)
                    gone.append(previous)
                }
            }
        case "MovieFileDelete":
            guard let file = payload.movieFile?.path ?? Self.join(payload.movie?.folderPath, payload.movieFile?.relativePath) else {
                return nil
            }
            paths = [file]
            gone = [file]
        case "MovieDelete":
            guard let folder = payload.movie?.folderPath else { return nil }
            paths = [folder]
            if payload.deletedFiles?.flag == true { gone = [folder] }
        default:
            return nil
        }
        guard !paths.isEmpty else { return nil }
    }

    static func join(_ folder: String?, _ relative: String?) -> String? {
        guard let folder, let relative else { return nil }
        return folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }
}
