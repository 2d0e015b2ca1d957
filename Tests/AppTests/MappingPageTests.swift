import AniDBFake
import Foundation
import HTTPTypes
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// The series page, /attention and /mirror with a Sonarr-named library, in headless Chromium (Browser/mapping_pages.py).
@Suite("community mapping in the web app")
struct MappingPageTests {
    @Test("ids and numbering on the series page, a correction by keyboard and its undoing, the conflict, the files' state")
    func pages() async throws {
        let running = try await MappingAPITests.start()
        defer { running.host.stop() }
        let media = try MatchAPITests.media([
            "Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13 - Episode Title [WEBDL-1080p].mkv",
            "Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E14 - Episode Title [WEBDL-1080p].mkv",
            "Fate Zero (2011) {tvdb-133341}/Season 02/Fate Zero - S02E15 - Wrong Folder.mkv",
        ])
        var environment = running.environment
        environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = media
        environment["ANIKURA_SERVER_IDLE_TIMEOUT_SECS"] = "900"
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        let app = try await TestApp.build(environment: environment, database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let admin = TestAccounts.basic(TestAccounts.adminName, TestAccounts.adminPassword)
            _ = try await MappingAPITests.awaitMapping(client, headers: admin)
            try await client.execute(uri: "/api/library/scan", method: .post, headers: admin) { response in
                #expect(response.status == .accepted)
            }
            // The scan is followed by matching: wait for the series to have its files.
            for _ in 0..<500 {
                let count =
                    try await client.execute(uri: "/api/series/10866", method: .get, headers: admin) { response in
                        ((try? JSONSerialization.jsonObject(with: Data(response.bytes))) as? [String: Any])?["files"] as? [Any]
                    }?.count ?? 0
                if count == 3 { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/mapping_pages.py").path
            let run = try await ChildProcess.run(
                "/usr/bin/python3",
                [script, "http://127.0.0.1:\(port)", WebAppTests.screenshots, TestAccounts.adminName, TestAccounts.adminPassword]
            )
            let output = String(decoding: run.standardOutput, as: UTF8.self)
            let result = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(run.status == 0, "\(run.standardError.suffix(3000))")
            #expect((result["failures"] as? [Any])?.isEmpty == true, "\(output)")
            #expect((result["checks"] as? Int ?? 0) >= 12, "\(output)")
        }
    }
}
