import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestMedia
import Testing

@testable import App

/// contrib/kometa/sitecustomize.py in a real Python process, against a stand-in laid out like Kometa
/// (Tests/AppTests/Kometa: `modules/anidb.py` with its two addresses, no `__init__.py`), talking to a live Anikura.
@Suite("Kometa connector")
struct KometaConnectorTests {
    static let here = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static var standIn: String { here.appendingPathComponent("Kometa").path }
    static var connector: String {
        here.deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("contrib/kometa").path
    }

    /// Runs the stand-in Kometa asking for `aid`; its JSON lines (one per request) and the log lines.
    static func run(_ environment: [String: String], aid: Int) async throws -> (requests: [[String: Any]], log: [String], status: Int32) {
        // From the stand-in's folder, as Kometa's image runs `python3 kometa.py` from its own.
        var arguments = ["-C", standIn, "-i", "PYTHONDONTWRITEBYTECODE=1", "PATH=/usr/bin:/bin", "PYTHONPATH=\(connector)"]
        arguments += environment.map { "\($0.key)=\($0.value)" }
        arguments += ["/usr/bin/python3", "kometa.py", String(aid)]
        let finished = try await ChildProcess.run("/usr/bin/env", arguments)
        let lines = String(decoding: finished.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init)
        let requests = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        return (requests, lines.filter { $0.hasPrefix("LOG ") }, finished.status)
    }

    @Test("the import hook points both addresses at ANIKURA_URL, adds the key, drops Kometa's Host, and says so once")
    func pointsKometaAtAnikura() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        // With anonymous mirror reads off, only a request with the key gets the document.
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_ANONYMOUS_MIRROR": "false"], database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)"
            let run = try await Self.run(["ANIKURA_URL": url + "/", "ANIKURA_API_KEY": accounts.viewerKey], aid: 1)
            #expect(run.status == 0, "\(run)")
            #expect(run.requests.count == 2, "\(run)")
            let titles = try #require(run.requests.first)
            let anime = try #require(run.requests.last)
            #expect(titles["url"] as? String == url + "/api/anime-titles.xml.gz")
            #expect(anime["url"] as? String == url + "/anidb-service/anime/1?mature=false")
            #expect(anime["status"] as? Int == 200 && (anime["bytes"] as? Int ?? 0) > 1000, "\(anime)")
            for request in run.requests {
                let headers = request["headers"] as? [String: String] ?? [:]
                #expect(headers["X-Api-Key"] == accounts.viewerKey)
                #expect(headers.keys.allSatisfy { $0.lowercased() != "host" }, "Kometa's Host: anidb.net is not sent to Anikura")
                #expect(headers["User-Agent"] == "Kometa/1.0 (kometaofficial)", "Kometa's own headers stay")
            }
            #expect(run.log == ["LOG Anikura connector: Kometa's AniDB requests go to \(url) with an API key"], "\(run.log)")
            // Without the key the same run is refused by Anikura: the key really is what let it in.
            let anonymous = try await Self.run(["ANIKURA_URL": url], aid: 1)
            #expect(anonymous.requests.last?["status"] as? Int == 401, "\(anonymous.requests)")
            #expect(anonymous.log.first?.hasSuffix("(no ANIKURA_API_KEY: anonymous)") == true)
        }
    }

    @Test("without ANIKURA_URL nothing changes: Kometa's own addresses, no log line")
    func offWithoutURL() async throws {
        // The stand-in then asks the real services; the test only looks at the URLs, so no network is needed.
        let run = try await Self.run(["ANIKURA_API_KEY": "unused", "https_proxy": "http://127.0.0.1:9"], aid: 1)
        #expect(
            run.requests.map { $0["url"] as? String } == [
                "https://anidb.net/api/anime-titles.xml.gz", "https://utilities.kometa.wiki/anidb-service/anime/1?mature=false",
            ]
        )
        #expect(run.log.isEmpty && run.requests.allSatisfy { ($0["headers"] as? [String: String])?["X-Api-Key"] == nil })
    }

    @Test("Kometa's Convert reads Anikura's anime_ids.json through the hook, the admin's corrections applied")
    func convertReadsTheMapping() async throws {
        let running = try await MappingAPITests.start()
        defer { running.host.stop() }
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        var environment = running.environment
        environment["ANIKURA_SERVER_ANONYMOUS_MIRROR"] = "false"
        let app = try await TestApp.build(environment: environment, database: database)
        try await app.test(.live) { client in
            let admin: HTTPFields = [HTTPField.Name("X-Api-Key")!: accounts.adminKey]
            _ = try await MappingAPITests.awaitMapping(client, headers: admin)
            let port = try #require(client.port)
            let url = "http://127.0.0.1:\(port)"
            func convert() async throws -> (request: [String: Any], tables: [String: Any], log: [String]) {
                var arguments = ["-C", Self.standIn, "-i", "PYTHONDONTWRITEBYTECODE=1", "PATH=/usr/bin:/bin", "PYTHONPATH=\(Self.connector)"]
                arguments += ["ANIKURA_URL=\(url)", "ANIKURA_API_KEY=\(accounts.viewerKey)", "/usr/bin/python3", "convert_check.py"]
                let finished = try await ChildProcess.run("/usr/bin/env", arguments)
                let lines = String(decoding: finished.standardOutput, as: UTF8.self).split(separator: "\n").map(String.init)
                #expect(finished.status == 0, "\(lines) \(finished.standardError)")
                let objects = lines.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
                return (objects.first ?? [:], objects.last ?? [:], lines.filter { $0.hasPrefix("LOG ") })
            }
            var run = try await convert()
            #expect(run.request["url"] as? String == url + "/api/kometa/anime_ids.json")
            #expect((run.request["headers"] as? [String: String])?["X-Api-Key"] == accounts.viewerKey)
            #expect(run.log == ["LOG Anikura connector: Kometa's AniDB id mapping comes from \(url)/api/kometa/anime_ids.json with an API key"])
            #expect(run.tables["entries"] as? Int == 299)
            func table(_ name: String) -> [String: Any] { run.tables[name] as? [String: Any] ?? [:] }
            #expect(table("tvdb_to_anidb")["133341"] as? Int == 6671)
            #expect(table("anidb_to_tvdb")["10866"] as? Int == 133341)
            #expect(table("mal_to_anidb")["27831"] as? Int == 10866)
            #expect(table("anilist_to_anidb")["20879"] as? Int == 10866)
            #expect(table("imdb_to_anidb")["tt5311514"] as? Int == 11829)
            #expect(table("tmdb_movie_to_anidb")["372058"] as? Int == 11829)
            #expect(table("tmdb_show_to_anidb")["65942"] != nil)
            // An admin moves Durarara!! to TVDB season 2: Kometa's season-1 lookup no longer names it.
            try await client.execute(
                uri: "/api/anime/6671/mapping",
                method: .put,
                headers: admin,
                body: ByteBuffer(string: #"{"tvdb_season": 2}"#)
            ) { response in #expect(response.status == .ok, "\(String(buffer: response.body))") }
            run = try await convert()
            #expect(table("tvdb_to_anidb")["133341"] == nil)
            #expect(table("anidb_to_tvdb")["6671"] as? Int == 133341)
        }
    }
}
