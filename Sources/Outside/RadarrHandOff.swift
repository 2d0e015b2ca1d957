/// Hands an anime film to Radarr: finds or adds the TMDB movie (monitored, into the configured root folder and
/// profile) and starts a search for it.
public struct RadarrHandOff: Sendable {
    let radarr: any RadarrAPI
    let rootFolder: String
    let qualityProfile: String

    public init(radarr: any RadarrAPI, rootFolder: String, qualityProfile: String) {
        self.radarr = radarr
        self.rootFolder = rootFolder
        self.qualityProfile = qualityProfile
    }

    public func send(tmdb: Int, title: String) async throws(OutsideError) -> HandOffResult {
        var added = false
        var movie: JSONValue
        if let existing = try await radarr.movie(tmdbID: tmdb) {
            movie = existing
            if movie["monitored"]?.bool != true {
                movie["monitored"] = .bool(true)
                movie = try await radarr.update(movie: movie)
            }
        } else {
            guard var found = try await radarr.lookup(tmdbID: tmdb) else {
                throw OutsideError(service: "Radarr", kind: .notFound, message: "Radarr does not find TMDB movie \(tmdb) (\(title)) in its lookup")
            }
            let folder = try ArrChoice.rootFolder(rootFolder, from: try await radarr.rootFolders(), service: "Radarr")
            let profile = try ArrChoice.qualityProfile(qualityProfile, from: try await radarr.qualityProfiles(), service: "Radarr")
            found["qualityProfileId"] = .number(Double(profile))
            found["rootFolderPath"] = .string(folder)
            found["monitored"] = .bool(true)
            found["minimumAvailability"] = .string("released")
            found["addOptions"] = .object(["searchForMovie": .bool(false), "monitor": .string("movieOnly")])
            movie = try await radarr.add(movie: found)
            added = true
        }
        guard let id = movie["id"]?.int else {
            throw OutsideError(service: "Radarr", kind: .failed, message: "Radarr answered without a movie id")
        }
        try await radarr.search(movieIDs: [id])
        let name = movie["title"]?.string ?? title
        return HandOffResult(
            service: "Radarr",
            action: added ? "added" : "found",
            id: id,
            title: name,
            monitored: "",
            episodes: 0,
            searched: true,
            message: (added ? "Added \(name) to Radarr" : "\(name) was in Radarr") + "; monitoring it and searching for it."
        )
    }
}
