public import Foundation

/// What Anikura asks of Sonarr (API v3, as `src/Sonarr.Api.V3` defines it): the outside boundary of the hand-off.
/// Series travel as Sonarr's own JSON resources, so what Anikura does not read goes back unchanged.
public protocol SonarrAPI: Sendable {
    /// The series already in Sonarr with this TVDB id.
    func series(tvdbID: Int) async throws(OutsideError) -> JSONValue?
    /// TheTVDB's series as Sonarr would add it (`GET /api/v3/series/lookup?term=tvdb:N`).
    func lookup(tvdbID: Int) async throws(OutsideError) -> JSONValue?
    func rootFolders() async throws(OutsideError) -> [ArrRootFolder]
    func qualityProfiles() async throws(OutsideError) -> [ArrQualityProfile]
    func add(series: JSONValue) async throws(OutsideError) -> JSONValue
    func update(series: JSONValue) async throws(OutsideError) -> JSONValue
    func delete(seriesID: Int) async throws(OutsideError)
    func episodes(seriesID: Int) async throws(OutsideError) -> [SonarrEpisode]
    func monitor(episodeIDs: [Int]) async throws(OutsideError)
    /// Starts an `EpisodeSearch` for these episodes.
    func search(episodeIDs: [Int]) async throws(OutsideError)
}

/// `SonarrAPI` over HTTP.
public struct SonarrClient: SonarrAPI {
    let http: ArrHTTP

    public init(url: URL, apiKey: String) {
        http = ArrHTTP(service: "Sonarr", baseURL: url, apiKey: apiKey)
    }

    public func series(tvdbID: Int) async throws(OutsideError) -> JSONValue? {
        try await http.get("/api/v3/series", query: [("tvdbId", String(tvdbID))]).array.first { $0["tvdbId"]?.int == tvdbID }
    }

    public func lookup(tvdbID: Int) async throws(OutsideError) -> JSONValue? {
        try await http.get("/api/v3/series/lookup", query: [("term", "tvdb:\(tvdbID)")]).array.first { $0["tvdbId"]?.int == tvdbID }
    }

    public func rootFolders() async throws(OutsideError) -> [ArrRootFolder] {
        try await http.get("/api/v3/rootfolder").array.compactMap(ArrRootFolder.init)
    }

    public func qualityProfiles() async throws(OutsideError) -> [ArrQualityProfile] {
        try await http.get("/api/v3/qualityprofile").array.compactMap(ArrQualityProfile.init)
    }

    public func add(series: JSONValue) async throws(OutsideError) -> JSONValue {
        try await http.post("/api/v3/series", series)
    }

    public func update(series: JSONValue) async throws(OutsideError) -> JSONValue {
        try await http.put("/api/v3/series/\(series["id"]?.int ?? 0)", series)
    }

    public func delete(seriesID: Int) async throws(OutsideError) {
        try await http.delete("/api/v3/series/\(seriesID)", query: [("deleteFiles", "false")])
    }

    public func episodes(seriesID: Int) async throws(OutsideError) -> [SonarrEpisode] {
        try await http.get("/api/v3/episode", query: [("seriesId", String(seriesID))]).array.compactMap(SonarrEpisode.init)
    }

    public func monitor(episodeIDs: [Int]) async throws(OutsideError) {
        let body: JSONValue = .object(["episodeIds": .array(episodeIDs.map { .number(Double($0)) }), "monitored": .bool(true)])
        _ = try await http.put("/api/v3/episode/monitor", body)
    }

    public func search(episodeIDs: [Int]) async throws(OutsideError) {
        let body: JSONValue = .object(["name": .string("EpisodeSearch"), "episodeIds": .array(episodeIDs.map { .number(Double($0)) })])
        _ = try await http.post("/api/v3/command", body)
    }
}
