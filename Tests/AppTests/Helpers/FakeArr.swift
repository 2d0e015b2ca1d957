import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mirror
import NIOCore

/// A stand-in for Sonarr's and Radarr's API v3 on a real local socket, written from their sources
/// (`src/Sonarr.Api.V3/Series/SeriesController.cs`, `SeriesLookupController.cs`, `Episodes/EpisodeController.cs`
/// (`PUT /api/v3/episode/monitor`), `RootFolders/`, `Profiles/Quality/`, `Commands/CommandController.cs`; Radarr's
/// `src/Radarr.Api.V3/Movies/MovieController.cs`, `MovieLookupController.cs`): the key in `X-Api-Key` (401
/// otherwise), the routes the hand-off uses, and a record of every request with its body.
final class FakeArr: Sendable {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var query: String
        var body: [String: Any]? { (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] }
        var bytes: [UInt8]
    }

    struct State {
        var requests: [Recorded] = []
        var series: [[String: Any]] = []
        var movies: [[String: Any]] = []
        var episodes: [Int: [[String: Any]]] = [:]
        /// What TheTVDB (through Sonarr's lookup) knows: tvdb id → (title, episodes per season).
        var tvdb: [Int: (title: String, seasons: [Int: Int])] = [:]
        var tmdb: [Int: String] = [:]
        var rootFolders = ["/tv/anime", "/tv/other"]
        var profiles = [(1, "Any"), (4, "HD-1080p")]
        /// Status for the next `PUT /api/v3/episode/monitor` (a failure after the series was added).
        var failMonitor: Int?
        var nextID = 1
    }

    let port: Int
    let apiKey: String
    private let server: Task<Void, any Error>

    var requests: [Recorded] { shared.state.withLock { $0.requests } }
    func url() -> String { "http://127.0.0.1:\(port)" }

    static func start(apiKey: String = "0123456789abcdef0123456789abcdef") async throws -> FakeArr {
        let shared = Box()
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let router = Router()
        router.add(middleware: Recorder(shared: shared, apiKey: apiKey))
        shared.register(router)
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "fake-arr")
                logger.logLevel = .critical
                return logger
            }()
        )
        let server = Task { try await app.runService() }
        var iterator = portStream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return FakeArr(shared: shared, server: server, port: port, apiKey: apiKey)
    }

    private let shared: Box

    private init(shared: Box, server: Task<Void, any Error>, port: Int, apiKey: String) {
        self.shared = shared
        self.server = server
        self.port = port
        self.apiKey = apiKey
    }

    func with<T>(_ body: (inout State) -> T) -> T { shared.state.withLock(body) }
    func stop() { server.cancel() }

    /// Shared by the routes (the `Mutex` lives here, behind a class, so closures can hold it).
    final class Box: Sendable {
        let state: LockedBox<State>

        init() { state = LockedBox(State()) }

        func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
            let data = (try? JSONSerialization.data(withJSONObject: value)) ?? Data()
            return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
        }

        func body(_ request: Hummingbird.Request) async throws -> [String: Any] {
            let bytes = try await request.body.collect(upTo: 1 << 20)
            return (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        }

        func query(_ request: Hummingbird.Request, _ name: String) -> String? { request.uri.queryParameters.get(name) }

        func register(_ router: Router<BasicRequestContext>) {
            let api = router.group("api/v3")
            api.get("rootfolder") { _, _ in
                self.json(
                    self.state.withLock { $0.rootFolders.enumerated().map { ["id": $0.offset + 1, "path": $0.element, "freeSpace": 1 << 40] } }
                )
            }
            api.get("qualityprofile") { _, _ in
                self.json(self.state.withLock { $0.profiles.map { ["id": $0.0, "name": $0.1, "upgradeAllowed": false] } })
            }
            // Sonarr
            api.get("series") { request, _ in
                let tvdb = self.query(request, "tvdbId").flatMap(Int.init)
                return self.json(self.state.withLock { $0.series.filter { tvdb == nil || $0["tvdbId"] as? Int == tvdb } })
            }
            api.get("series/lookup") { request, _ in
                let term = self.query(request, "term") ?? ""
                let id = Int(term.replacingOccurrences(of: "tvdb:", with: "")) ?? -1
                return self.json(
                    self.state.withLock { state -> [[String: Any]] in
                        if let added = state.series.first(where: { $0["tvdbId"] as? Int == id }) { return [added] }
                        guard let known = state.tvdb[id] else { return [] }
                        return [
                            [
                                "title": known.title, "tvdbId": id,
                                "seasons": known.seasons.keys.sorted().map { ["seasonNumber": $0, "monitored": false] },
                                "images": [], "year": 2010, "titleSlug": known.title.lowercased(), "monitored": false,
                            ]
                        ]
                    }
                )
            }
            api.post("series") { request, _ in
                var series = try await self.body(request)
                return self.state.withLock { state -> Response in
                    guard let tvdb = series["tvdbId"] as? Int, let known = state.tvdb[tvdb] else {
                        return self.json([["propertyName": "TvdbId", "errorMessage": "Invalid TVDB id"]], status: .badRequest)
                    }
                    guard state.rootFolders.contains(series["rootFolderPath"] as? String ?? "") else {
                        return self.json([["propertyName": "RootFolderPath", "errorMessage": "Root folder does not exist"]], status: .badRequest)
                    }
                    let id = state.nextID
                    state.nextID += 1
                    series["id"] = id
                    series["path"] = (series["rootFolderPath"] as? String ?? "") + "/" + known.title
                    state.series.append(series)
                    var episodes: [[String: Any]] = []
                    var absolute = 0
                    for season in known.seasons.keys.sorted() {
                        for number in 1...max(1, known.seasons[season] ?? 0) {
                            if season > 0 { absolute += 1 }
                            episodes.append([
                                "id": id * 1000 + season * 100 + number, "seriesId": id, "seasonNumber": season, "episodeNumber": number,
                                "absoluteEpisodeNumber": season > 0 ? absolute : NSNull(), "monitored": false, "hasFile": false,
                            ])
                        }
                    }
                    state.episodes[id] = episodes
                    return self.json(series, status: .created)
                }
            }
            api.put("series/:id") { request, context in
                let id = Int(context.parameters.get("id") ?? "") ?? -1
                var series = try await self.body(request)
                series["id"] = id
                return self.state.withLock { state in
                    if let index = state.series.firstIndex(where: { $0["id"] as? Int == id }) { state.series[index] = series }
                    return self.json(series, status: .accepted)
                }
            }
            api.delete("series/:id") { _, context in
                let id = Int(context.parameters.get("id") ?? "") ?? -1
                self.state.withLock { state in
                    state.series.removeAll { $0["id"] as? Int == id }
                    state.episodes[id] = nil
                }
                return Response(status: .ok)
            }
            api.get("episode") { request, _ in
                let id = self.query(request, "seriesId").flatMap(Int.init) ?? -1
                return self.json(self.state.withLock { $0.episodes[id] ?? [] })
            }
            api.put("episode/monitor") { request, _ in
                let body = try await self.body(request)
                let ids = Set(body["episodeIds"] as? [Int] ?? [])
                return self.state.withLock { state in
                    if let status = state.failMonitor {
                        state.failMonitor = nil
                        return self.json(["message": "database is locked"], status: .init(code: status))
                    }
                    for (series, episodes) in state.episodes {
                        state.episodes[series] = episodes.map { episode in
                            var episode = episode
                            if ids.contains(episode["id"] as? Int ?? -1) { episode["monitored"] = body["monitored"] as? Bool ?? false }
                            return episode
                        }
                    }
                    return self.json([], status: .accepted)
                }
            }
            api.post("command") { request, _ in
                var command = try await self.body(request)
                command["id"] = 77
                command["status"] = "queued"
                return self.json(command, status: .created)
            }
            // Radarr
            api.get("movie") { request, _ in
                let tmdb = self.query(request, "tmdbId").flatMap(Int.init)
                return self.json(self.state.withLock { $0.movies.filter { tmdb == nil || $0["tmdbId"] as? Int == tmdb } })
            }
            api.get("movie/lookup/tmdb") { request, _ in
                let tmdb = self.query(request, "tmdbId").flatMap(Int.init) ?? -1
                guard let title = self.state.withLock({ $0.tmdb[tmdb] }) else { return self.json(["message": "NotFound"], status: .notFound) }
                return self.json(["title": title, "tmdbId": tmdb, "year": 2016, "images": [], "monitored": false])
            }
            api.post("movie") { request, _ in
                var movie = try await self.body(request)
                return self.state.withLock { state in
                    movie["id"] = state.nextID
                    state.nextID += 1
                    state.movies.append(movie)
                    return self.json(movie, status: .created)
                }
            }
            api.put("movie/:id") { request, context in
                var movie = try await self.body(request)
                movie["id"] = Int(context.parameters.get("id") ?? "") ?? -1
                return self.state.withLock { state in
                    if let index = state.movies.firstIndex(where: { $0["id"] as? Int == movie["id"] as? Int }) { state.movies[index] = movie }
                    return self.json(movie, status: .accepted)
                }
            }
        }
    }

    /// Records each request and refuses a wrong key, as Sonarr's `ApiKeyAuthenticationHandler` does (401).
    struct Recorder: RouterMiddleware {
        let shared: Box
        let apiKey: String

        func handle(
            _ request: Hummingbird.Request,
            context: BasicRequestContext,
            next: (Hummingbird.Request, BasicRequestContext) async throws -> Response
        ) async throws -> Response {
            var request = request
            let bytes = try await request.collectBody(upTo: 1 << 20)
            shared.state.withLock {
                $0.requests.append(
                    .init(
                        method: request.method.rawValue,
                        path: request.uri.path,
                        query: request.uri.query ?? "",
                        bytes: Array(bytes.readableBytesView)
                    )
                )
            }
            guard request.headers[.init("X-Api-Key")!] == apiKey else { return Response(status: .unauthorized) }
            return try await next(request, context)
        }
    }
}
