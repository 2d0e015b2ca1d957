import AniDBFake
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// The home page's missing sequels and the series page's related anime with *Send to Sonarr*, and the settings
/// page's watching note, in headless Chromium (Browser/arr_pages.py), against the Sonarr stand-in.
@Suite("library events in the web app")
struct ArrPageTests {
    @Test("watching shown on /settings; a missing sequel sent to Sonarr from the home page and the series page")
    func pages() async throws {
        let running = try await MappingAPITests.start()
        let arr = try await FakeArr.start()
        defer {
            running.host.stop()
            arr.stop()
        }
        arr.with { $0.tvdb[278157] = ("Haikyuu!!", [1: 25, 2: 25, 3: 10]) }
        let media = try MatchAPITests.media(["Haikyuu!! (2014) [tvdbid-278157]/Season 1/Haikyuu!! S01E01.mkv"])
        var environment = running.environment
        environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = media
        environment["ANIKURA_LIBRARY_WATCH"] = "true"
        environment["ANIKURA_SERVER_IDLE_TIMEOUT_SECS"] = "900"
        environment["ANIKURA_SONARR_URL"] = arr.url()
        environment["ANIKURA_SONARR_API_KEY"] = arr.apiKey
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(environment: environment, database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let admin = TestAccounts.basic(TestAccounts.adminName, TestAccounts.adminPassword)
            _ = try await MappingAPITests.awaitMapping(client, headers: admin)
            try await client.execute(uri: "/api/library/scan", method: .post, headers: admin) { response in
                #expect(response.status == .accepted)
            }
            var sequels: [[String: Any]] = []
            for _ in 0..<500 {
                sequels = try await client.execute(uri: "/api/library/missing-sequels", method: .get, headers: admin) { response in
                    (try? JSONSerialization.jsonObject(with: Data(response.bytes))) as? [[String: Any]] ?? []
                }
                if !sequels.isEmpty { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let missing = (sequels.first?["missing"] as? [[String: Any]] ?? []).first
            #expect(missing?["aid"] as? Int == 10981 && missing?["sendTo"] as? String == "sonarr", "\(sequels)")
            // A viewer is not offered the button (nor may send: the route is admin-only).
            let viewer = TestAccounts.bearer(accounts.viewerKey)
            let seen = try await client.execute(uri: "/api/library/missing-sequels", method: .get, headers: viewer) { response in
                (try? JSONSerialization.jsonObject(with: Data(response.bytes))) as? [[String: Any]] ?? []
            }
            #expect((seen.first?["missing"] as? [[String: Any]])?.first?["sendTo"] == nil)
            try await client.execute(uri: "/api/anime/10981/sonarr", method: .post, headers: viewer) { response in
                #expect(response.status == .forbidden)
            }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/arr_pages.py").path
            let run = try await ChildProcess.run(
                "/usr/bin/python3",
                [script, "http://127.0.0.1:\(port)", WebAppTests.screenshots, TestAccounts.adminName, TestAccounts.adminPassword]
            )
            let output = String(decoding: run.standardOutput, as: UTF8.self)
            let result = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(run.status == 0, "\(run.standardError.suffix(3000))")
            #expect((result["failures"] as? [Any])?.isEmpty == true, "\(output)")
            #expect((result["checks"] as? Int ?? 0) >= 8, "\(output)")
            let adds = arr.requests.filter { $0.method == "POST" && $0.path == "/api/v3/series" }
            #expect(adds.count == 1 && adds.first?.body?["tvdbId"] as? Int == 278157)
        }
    }
}
