import Foundation
public import Numbering

/// Hands an AniDB anime to Sonarr: finds or adds the TVDB series that holds it (as an anime series, with season
/// folders, into the configured root folder and profile), monitors exactly the episodes the mapping says are this
/// anime, and starts a search for them. A series it added is removed again if a later step fails: nothing is left
/// half done.
public struct SonarrHandOff: Sendable {
    let sonarr: any SonarrAPI
    let rootFolder: String
    let qualityProfile: String
    /// How long a newly added series may take to get its episodes from TheTVDB (Sonarr refreshes it after adding).
    let episodeWait: Duration

    public init(sonarr: any SonarrAPI, rootFolder: String, qualityProfile: String, episodeWait: Duration = .seconds(30)) {
        self.sonarr = sonarr
        self.rootFolder = rootFolder
        self.qualityProfile = qualityProfile
        self.episodeWait = episodeWait
    }

    public func send(_ wanted: ForeignEpisodes, title: String) async throws(OutsideError) -> HandOffResult {
        let tvdb = wanted.series
        var added = false
        var series: JSONValue
        if let existing = try await sonarr.series(tvdbID: tvdb) {
            series = existing
            if series["monitored"]?.bool != true {
                series["monitored"] = .bool(true)
                series = try await sonarr.update(series: series)
            }
        } else {
            guard var found = try await sonarr.lookup(tvdbID: tvdb) else {
                throw OutsideError(service: "Sonarr", kind: .notFound, message: "Sonarr does not find TVDB series \(tvdb) (\(title)) in its lookup")
            }
            let folder = try ArrChoice.rootFolder(rootFolder, from: try await sonarr.rootFolders(), service: "Sonarr")
            let profile = try ArrChoice.qualityProfile(qualityProfile, from: try await sonarr.qualityProfiles(), service: "Sonarr")
            found["qualityProfileId"] = .number(Double(profile))
            found["rootFolderPath"] = .string(folder)
            found["seriesType"] = .string("anime")
            found["seasonFolder"] = .bool(true)
            found["monitored"] = .bool(true)
            // Nothing monitored or searched by Sonarr itself: Anikura picks the episodes below.
            found["addOptions"] = .object([
                "monitor": .string("none"),
                "searchForMissingEpisodes": .bool(false),
                "searchForCutoffUnmetEpisodes": .bool(false),
            ])
            series = try await sonarr.add(series: found)
            added = true
        }
        guard let id = series["id"]?.int else {
            throw OutsideError(service: "Sonarr", kind: .failed, message: "Sonarr answered without a series id")
        }
        do throws(OutsideError) {
            let episodes = try await episodes(of: id)
            let chosen = episodes.filter { Self.belongs($0, to: wanted) }
            guard !chosen.isEmpty else {
                throw OutsideError(
                    service: "Sonarr",
                    kind: .notFound,
                    message:
                        "Sonarr's \(series["title"]?.string ?? title) has none of the episodes \(wanted.summary) (\(episodes.count) episodes listed)"
                )
            }
            let ids = chosen.map(\.id)
            try await sonarr.monitor(episodeIDs: ids)
            try await sonarr.search(episodeIDs: ids)
            let name = series["title"]?.string ?? title
            return HandOffResult(
                service: "Sonarr",
                action: added ? "added" : "found",
                id: id,
                title: name,
                monitored: wanted.summary,
                episodes: ids.count,
                searched: true,
                message: (added ? "Added \(name) to Sonarr" : "\(name) was in Sonarr")
                    + "; monitoring \(ids.count) episodes (\(wanted.summary)) and searching for them."
            )
        } catch {
            if added { try? await sonarr.delete(seriesID: id) }
            throw error
        }
    }

    /// The series' episodes, waiting a while for a new series' first refresh to list them.
    private func episodes(of id: Int) async throws(OutsideError) -> [SonarrEpisode] {
        let deadline = ContinuousClock.now + episodeWait
        while true {
            let episodes = try await sonarr.episodes(seriesID: id)
            if !episodes.isEmpty || ContinuousClock.now >= deadline { return episodes }
            try? await Task.sleep(for: .milliseconds(500))
        }
    }

    static func belongs(_ episode: SonarrEpisode, to wanted: ForeignEpisodes) -> Bool {
        for target in wanted.episodes {
            if let season = target.season {
                if episode.seasonNumber == season && episode.episodeNumber == target.number { return true }
            } else if episode.seasonNumber > 0, episode.absoluteEpisodeNumber == target.number {
                return true
            }
        }
        if let rest = wanted.rest {
            if let season = rest.season {
                return episode.seasonNumber == season && episode.episodeNumber > rest.number
            }
            return episode.seasonNumber > 0 && (episode.absoluteEpisodeNumber ?? 0) > rest.number
        }
        return false
    }
}
