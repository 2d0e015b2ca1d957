import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// Every page of the web app in real headless Chromium (Debian's, through Selenium) against a real server: a
/// library of real tiny media files, the real 2015 titles dump, the demo seed's real AniDB documents, and the fake
/// AniDB image CDN. The browser script asserts what a person sees and saves a screenshot of each page.
@Suite("web app in headless Chromium")
struct WebAppTests {
    static var script: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/web_app.py").path
    }

    /// Where screenshots go: `ANIKURA_TEST_OUTPUT` (CI sets it), else `.build/test-output`.
    static var screenshots: String {
        let root =
            ProcessInfo.processInfo.environment["ANIKURA_TEST_OUTPUT"]
            ?? URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent(".build/test-output").path
        let path = root + "/screenshots"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    /// Seikai no Monshou (aid 1) episodes 1, 2 and 5, Evangelion (22) episode 1, and a file no title matches.
    static func library() async throws -> String {
        let source = await MediaFixtures.h264
        let root = NSTemporaryDirectory() + "anikura-webapp-" + UUID().uuidString
        let names = [
            "Seikai no Monshou/[Grp] Seikai no Monshou - 01 [720p].mkv",
            "Seikai no Monshou/[Grp] Seikai no Monshou - 02 [720p].mkv",
            "Seikai no Monshou/[Grp] Seikai no Monshou - 05 [720p].mkv",
            "Evangelion/[Other] Shinseiki Evangelion - 01 [480p].mkv",
            "Unsorted/[XYZ] Totally Unknown Show - 02 [480p].mkv",
        ]
        for name in names {
            let path = root + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: source, toPath: path)
        }
        return root
    }

    /// A real JPEG poster, made by ffmpeg, for the fake CDN to serve.
    static func poster() async throws -> [UInt8] {
        let path = NSTemporaryDirectory() + "anikura-poster-\(UUID().uuidString).jpg"
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try await ChildProcess.run(
            "/usr/bin/env",
            ["ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=200x300", "-frames:v", "1", path]
        )
        return [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
    }

    @Test("home, library, series, watch, attention, mirror, settings and sign-in work as a person uses them")
    func everyPage() async throws {
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        fake.setTitles(MatchAPITests.titles2015)
        let jpeg = try await Self.poster()
        fake.addImage(name: "440.jpg", bytes: jpeg)
        // Evangelion's picture is refused by the CDN: the page shows a placeholder, and it is not asked again.
        fake.script { request in request.path.hasSuffix("/133461.jpg") ? .status(403) : nil }
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(
                fake,
                [
                    "ANIKURA_LIBRARY_MEDIA_DIRS": try await Self.library(), "ANIKURA_MIRROR_IMAGE_URL": fake.imageURL,
                    // The test's own connection waits idle while the browser works.
                    "ANIKURA_SERVER_IDLE_TIMEOUT_SECS": "900",
                ]
            ),
            database: database
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // The scan is followed by matching; the script waits for the library to fill.
            let admin = TestAccounts.basic(TestAccounts.adminName, TestAccounts.adminPassword)
            try await client.execute(uri: "/api/library/scan", method: .post, headers: admin) { response in
                #expect(response.status == .accepted)
            }
            let run = try await ChildProcess.run(
                "/usr/bin/python3",
                [
                    Self.script, "http://127.0.0.1:\(port)", Self.screenshots, TestAccounts.adminName, TestAccounts.adminPassword,
                    TestAccounts.viewerName, TestAccounts.viewerPassword,
                ]
            )
            let output = String(decoding: run.standardOutput, as: UTF8.self)
            let result = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(run.status == 0, "\(run.standardError.suffix(3000))")
            #expect((result["failures"] as? [Any])?.isEmpty == true, "\(output)")
            #expect((result["checks"] as? Int ?? 0) >= 30, "\(output)")
            // Posters: one download of the real one, one refused request remembered; the API's budget untouched.
            #expect(fake.imageRequests.filter { $0.path.hasSuffix("/440.jpg") }.count == 1)
            #expect(fake.imageRequests.filter { $0.path.hasSuffix("/133461.jpg") }.count == 1)
            #expect(fake.animeRequests.isEmpty, "browsing seeded anime asks AniDB's API for nothing")
            for aid in [1, 22] {
                try await client.execute(uri: "/api/images/anime/\(aid)", method: .get, headers: admin) { response in
                    #expect(response.status == .ok)
                    if aid == 1 {
                        #expect(response.headers[.contentType] == "image/jpeg")
                        #expect([UInt8](response.body.readableBytesView) == jpeg)
                        #expect(response.headers[.eTag] == "\"440.jpg\"")
                    } else {
                        #expect(response.headers[.contentType] == "image/svg+xml")
                        #expect(response.headers[HTTPField.Name("X-Anikura-Placeholder")!] == "refused")
                    }
                }
            }
            var revalidation = admin
            revalidation[.ifNoneMatch] = "\"440.jpg\""
            try await client.execute(uri: "/api/images/anime/1", method: .get, headers: revalidation) { response in
                #expect(response.status == .notModified)
            }
        }
        try await fake.stop()
    }
}
