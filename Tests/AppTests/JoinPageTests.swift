import Foundation
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// Invitations in headless Chromium (Browser/join_page.py): made and copied on /settings, used on /join/{code}.
@Suite("invitations in the web app")
struct JoinPageTests {
    @Test("an admin makes and copies a link on /settings; a person joins with it on desktop; bad codes get a page that says why")
    func pages() async throws {
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        // AniList out of reach: the settings page says so when a token is linked.
        let app = try await TestApp.build(
            environment: ["ANIKURA_SERVER_IDLE_TIMEOUT_SECS": "900", "ANIKURA_ANILIST_API_URL": "http://127.0.0.1:\(LocalListener.freePort())/"],
            database: database
        )
        try await app.test(.live) { client in
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/join_page.py").path
            let run = try await ChildProcess.run(
                "/usr/bin/python3",
                [
                    script, "http://127.0.0.1:\(try #require(client.port))", WebAppTests.screenshots, TestAccounts.adminName,
                    TestAccounts.adminPassword,
                ]
            )
            let output = String(decoding: run.standardOutput, as: UTF8.self)
            let result = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(run.status == 0, "\(run.standardError.suffix(3000))")
            #expect((result["failures"] as? [Any])?.isEmpty == true, "\(output)")
            #expect((result["checks"] as? Int ?? 0) >= 12, "\(output)")
        }
    }
}
