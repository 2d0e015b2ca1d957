public import Foundation

/// What Anikura asks of Radarr (API v3, as `src/Radarr.Api.V3` defines it) to hand it an anime film.
public protocol RadarrAPI: Sendable {
    /// The movie already in Radarr with this TMDB id.
    func movie(tmdbID: Int) async throws(OutsideError) -> JSONValue?
    /// TMDB's movie as Radarr would add it (`GET /api/v3/movie/lookup/tmdb?tmdbId=N`).
    func lookup(tmdbID: Int) async throws(OutsideError) -> JSONValue?
    func rootFolders() async throws(OutsideError) -> [ArrRootFolder]
    func qualityProfiles() async throws(OutsideError) -> [ArrQualityProfile]
    func add(movie: JSONValue) async throws(OutsideError) -> JSONValue
    func update(movie: JSONValue) async throws(OutsideError) -> JSONValue
    /// Starts a `MoviesSearch` for these movies.
    func search(movieIDs: [Int]) async throws(OutsideError)
}

/// `RadarrAPI` over HTTP.
public struct RadarrClient: RadarrAPI {
    let http: ArrHTTP

    public init(url: URL, apiKey: String) {
        http = ArrHTTP(service: "Radarr", baseURL: url, apiKey: apiKey)
    }

    public func movie(tmdbID: Int) async throws(OutsideError) -> JSONValue? {
        try await http.get("/api/v3/movie", query: [("tmdbId", String(tmdbID))]).array.first { $0["tmdbId"]?.int == tmdbID }
    }

    public func lookup(tmdbID: Int) async throws(OutsideError) -> JSONValue? {
        do {
            let found = try await http.get("/api/v3/movie/lookup/tmdb", query: [("tmdbId", String(tmdbID))])
            return found["tmdbId"]?.int == tmdbID ? found : nil
        } catch  where error.kind == .notFound {
            return nil
        }
    }

    public func rootFolders() async throws(OutsideError) -> [ArrRootFolder] {
        try await http.get("/api/v3/rootfolder").array.compactMap(ArrRootFolder.init)
    }

    public func qualityProfiles() async throws(OutsideError) -> [ArrQualityProfile] {
        try await http.get("/api/v3/qualityprofile").array.compactMap(ArrQualityProfile.init)
    }

    public func add(movie: JSONValue) async throws(OutsideError) -> JSONValue {
        try await http.post("/api/v3/movie", movie)
    }

    public func update(movie: JSONValue) async throws(OutsideError) -> JSONValue {
        try await http.put("/api/v3/movie/\(movie["id"]?.int ?? 0)", movie)
    }

    public func search(movieIDs: [Int]) async throws(OutsideError) {
        let body: JSONValue = .object(["name": .string("MoviesSearch"), "movieIds": .array(movieIDs.map { .number(Double($0)) })])
        _ = try await http.post("/api/v3/command", body)
    }
}
