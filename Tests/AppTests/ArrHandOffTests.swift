import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Handing a missing anime to Sonarr or Radarr, against a stand-in for their API v3 that records what it is sent.
@Suite("hand-off to Sonarr and Radarr")
struct ArrHandOffTests {
    struct Running {
        let app: any ApplicationProtocol
        let arr: FakeArr
        let host: FakeFileHost
    }

    static func start(sonarr: [String: String] = [:], key: String? = nil) async throws -> Running {
        let running = try await MappingAPITests.start()
        let arr = try await FakeArr.start()
        arr.with { state in
            state.tvdb[133341] = ("Durarara!!", [0: 6, 1: 24, 2: 36])
            state.tmdb[372058] = "Your Name."
        }
        var environment = running.environment
        environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = try MatchAPITests.media(["Other/[G] Something - 01.mkv"])
        for program in ["SONARR", "RADARR"] {
            environment["ANIKURA_\(program)_URL"] = arr.url()
            environment["ANIKURA_\(program)_API_KEY"] = key ?? arr.apiKey
        }
        environment["ANIKURA_SONARR_ROOT_FOLDER"] = "/tv/anime"
        environment["ANIKURA_SONARR_QUALITY_PROFILE"] = "HD-1080p"
        environment.merge(sonarr) { $1 }
        let app = try await TestApp.build(environment: environment, database: try TestApp.seededDatabase())
        return Running(app: app, arr: arr, host: running.host)
    }

    static func send(_ client: some TestClientProtocol, _ uri: String) async throws -> (HTTPResponse.Status, [String: Any]) {
        let (status, json) = try await MatchAPITests.json(client, uri, method: .post)
        return (status, json as? [String: Any] ?? [:])
    }

    static func message(_ json: [String: Any]) -> String { MappingAPITests.object(json["error"])["message"] as? String ?? "" }

    @Test("a new series: added as anime into the root folder and profile, only the split cour's episodes monitored and searched")
    func newSeries() async throws {
        let running = try await Self.start()
        defer {
            running.host.stop()
            running.arr.stop()
        }
        try await running.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            let (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(status == .ok, "\(answer)")
            #expect(answer["action"] as? String == "added" && answer["monitored"] as? String == "S02E13–S02E24" && answer["episodes"] as? Int == 12)
            #expect((answer["message"] as? String ?? "").contains("Added Durarara!! to Sonarr"))
            let requests = running.arr.requests
            let add = try #require(requests.first { $0.method == "POST" && $0.path == "/api/v3/series" }?.body)
            #expect(add["tvdbId"] as? Int == 133341 && add["seriesType"] as? String == "anime" && add["seasonFolder"] as? Bool == true)
            #expect(add["rootFolderPath"] as? String == "/tv/anime" && add["qualityProfileId"] as? Int == 4 && add["monitored"] as? Bool == true)
            #expect(MappingAPITests.object(add["addOptions"])["monitor"] as? String == "none")
            #expect(add["titleSlug"] as? String == "durarara!!", "the lookup's fields go back as they came")
            let monitor = try #require(requests.first { $0.path == "/api/v3/episode/monitor" }?.body)
            let ids = Set(monitor["episodeIds"] as? [Int] ?? [])
            let monitored = running.arr.with { state in state.episodes[1]?.filter { ids.contains($0["id"] as? Int ?? -1) } ?? [] }
            #expect(monitored.map { "\($0["seasonNumber"]!)x\($0["episodeNumber"]!)" } == (13...24).map { "2x\($0)" })
            let search = try #require(requests.first { $0.path == "/api/v3/command" }?.body)
            #expect(search["name"] as? String == "EpisodeSearch" && Set(search["episodeIds"] as? [Int] ?? []) == ids)
            #expect(requests.allSatisfy { $0.path.hasPrefix("/api/v3/") })

            // Asked again: found, nothing added twice; Ketsu (the last cour) monitored from S02E25.
            let (again, second) = try await Self.send(client, "/api/anime/10867/sonarr")
            // Ketsu's length is unknown here (no document): the rest of the season.
            #expect(again == .ok && second["action"] as? String == "found" && second["monitored"] as? String == "S02E25 onwards")
            #expect(second["episodes"] as? Int == 12)
            #expect(running.arr.requests.filter { $0.method == "POST" && $0.path == "/api/v3/series" }.count == 1)
        }
    }

    @Test("a series already there but unmonitored is monitored, not added")
    func existingSeries() async throws {
        let running = try await Self.start()
        defer {
            running.host.stop()
            running.arr.stop()
        }
        running.arr.with { state in
            state.series = [["id": 40, "title": "Durarara!!", "tvdbId": 133341, "monitored": false, "path": "/tv/anime/Durarara!!"]]
            state.episodes[40] = (1...36).map {
                ["id": 4000 + $0, "seriesId": 40, "seasonNumber": 2, "episodeNumber": $0, "monitored": false, "hasFile": false]
            }
        }
        try await running.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            let (status, answer) = try await Self.send(client, "/api/anime/10523/sonarr")
            #expect(status == .ok && answer["action"] as? String == "found" && answer["monitored"] as? String == "S02E01–S02E12", "\(answer)")
            let requests = running.arr.requests
            #expect(!requests.contains { $0.method == "POST" && $0.path == "/api/v3/series" })
            #expect(requests.first { $0.method == "PUT" && $0.path == "/api/v3/series/40" }?.body?["monitored"] as? Bool == true)
            #expect(Set(requests.first { $0.path == "/api/v3/episode/monitor" }?.body?["episodeIds"] as? [Int] ?? []) == Set((4001...4012)))
        }
    }

    @Test("Radarr: a film added and searched; one already there searched")
    func radarr() async throws {
        let running = try await Self.start()
        defer {
            running.host.stop()
            running.arr.stop()
        }
        try await running.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            var (status, answer) = try await Self.send(client, "/api/anime/11829/radarr")
            #expect(status == .ok && answer["action"] as? String == "added" && answer["service"] as? String == "Radarr", "\(answer)")
            let add = try #require(running.arr.requests.first { $0.method == "POST" && $0.path == "/api/v3/movie" }?.body)
            #expect(add["tmdbId"] as? Int == 372058 && add["rootFolderPath"] as? String == "/tv/anime" && add["qualityProfileId"] as? Int == 1)
            #expect(add["monitored"] as? Bool == true)
            (status, answer) = try await Self.send(client, "/api/anime/11829/radarr")
            #expect(status == .ok && answer["action"] as? String == "found")
            let searches = running.arr.requests.filter { $0.path == "/api/v3/command" }.compactMap(\.body)
            #expect(searches.count == 2 && searches.allSatisfy { $0["name"] as? String == "MoviesSearch" })
            // A TV anime asked of Radarr, and a film asked of Sonarr: told where to send it.
            (status, answer) = try await Self.send(client, "/api/anime/10866/radarr")
            #expect(status == .unprocessableContent && Self.message(answer).contains("send it to Sonarr"))
            (status, answer) = try await Self.send(client, "/api/anime/11829/sonarr")
            #expect(status == .unprocessableContent && Self.message(answer).contains("Radarr"), "\(answer)")
        }
    }

    @Test("failures name the program and leave nothing half done")
    func failures() async throws {
        // A wrong key.
        let wrongKey = try await Self.start(key: "wrong")
        try await wrongKey.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            let (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(status == .badGateway && Self.message(answer).contains("Sonarr refused the API key"), "\(answer)")
        }
        wrongKey.host.stop()
        wrongKey.arr.stop()

        // A root folder Sonarr does not have: nothing added.
        let noFolder = try await Self.start(sonarr: ["ANIKURA_SONARR_ROOT_FOLDER": "/nowhere"])
        try await noFolder.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            var (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(status == .badGateway && Self.message(answer).contains("no root folder /nowhere") && Self.message(answer).contains("/tv/anime"))
            #expect(!noFolder.arr.requests.contains { $0.method == "POST" })

            // A series TheTVDB (through Sonarr) does not know.
            noFolder.arr.with { $0.tvdb = [:] }
            (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(status == .unprocessableContent && Self.message(answer).contains("Sonarr does not find TVDB series 133341"))
        }
        noFolder.host.stop()
        noFolder.arr.stop()

        // Monitoring fails after the series was added: the series is removed again.
        let failing = try await Self.start()
        failing.arr.with { $0.failMonitor = 500 }
        try await failing.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            let (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(status == .badGateway && Self.message(answer).contains("HTTP 500") && Self.message(answer).contains("database is locked"))
            #expect(failing.arr.requests.contains { $0.method == "DELETE" && $0.path == "/api/v3/series/1" })
            #expect(failing.arr.with { $0.series.isEmpty })
        }
        failing.arr.stop()
        failing.host.stop()

        // Unreachable: nothing listens there any more.
        let unreachable = try await Self.start()
        unreachable.arr.stop()
        try await Task.sleep(for: .milliseconds(100))
        try await unreachable.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            let (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(
                status == .badGateway && Self.message(answer).contains("Sonarr at http://127.0.0.1:")
                    && Self.message(answer).contains("cannot be reached")
            )
            let (radarr, radarrAnswer) = try await Self.send(client, "/api/anime/11829/radarr")
            #expect(radarr == .badGateway && Self.message(radarrAnswer).contains("Radarr"))
        }
        unreachable.host.stop()

        // Not set up at all, and an anime the mapping puts nowhere.
        let plain = try await TestApp.build()
        try await plain.test(.live) { client in
            let (status, answer) = try await Self.send(client, "/api/anime/10866/sonarr")
            #expect(status == .conflict && Self.message(answer).contains("[sonarr]"))
        }
    }
}
