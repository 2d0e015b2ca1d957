import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mirror
import NIOCore
import Testing

@testable import App

/// Matching over real sockets: the real 2015 titles dump served by the fake AniDB, the demo seed's real documents.
@Suite("matching over HTTP")
struct MatchAPITests {
    static var titles2015: [UInt8] {
        let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("LibraryTests/Fixtures/matcher/anime-titles-2015.xml.gz")
        return [UInt8](try! Data(contentsOf: url))
    }

    static var web: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("web").path
    }

    static func media(_ paths: [String]) throws -> String {
        let root = NSTemporaryDirectory() + "anikura-match-api-" + UUID().uuidString
        for path in paths {
            let file = root + "/" + path
            try FileManager.default.createDirectory(
                atPath: (file as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(path.utf8).write(to: URL(fileURLWithPath: file))
        }
        return root
    }

    /// Runs a job to its end and returns its final snapshot, read from its SSE stream.
    static func runJob(_ uri: String, client: some TestClientProtocol) async throws -> (events: [String], job: [String: Any]) {
        let id = try await client.execute(uri: uri, method: .post) { response in
            #expect(response.status == .accepted, "\(response.text)")
            return try #require(try response.json()["id"] as? String)
        }
        let port = try #require(client.port)
        let (_, _, text) = try await TestApp.jobEvents(port: port, job: id)
        let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
        let data = try #require(events.last?.components(separatedBy: "data: ").last)
        let job = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] ?? [:]
        return (events, job)
    }

    static func json(
        _ client: some TestClientProtocol,
        _ uri: String,
        method: HTTPRequest.Method = .get,
        body: String? = nil
    )
        async throws -> (HTTPResponse.Status, Any?)
    {
        try await client.execute(uri: uri, method: method, body: body.map { ByteBuffer(string: $0) }) { response in
            (response.status, try? JSONSerialization.jsonObject(with: Data(response.bytes)))
        }
    }

    @Test("the match job downloads the titles dump through the mirror, reports over SSE, and asks AniDB for nothing else")
    func matchJob() async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        fake.setTitles(Self.titles2015)
        let media = try Self.media([
            "Haikyuu!!/[HorribleSubs] Haikyuu!! - 01 [720p].mkv",
            "Haikyuu!!/[HorribleSubs] Haikyuu!! - 02 [720p].mkv",
            "Evangelion/[Coalgirls] Neon Genesis Evangelion - 01 (1280x720 Blu-Ray FLAC) [8A0D7A1F].mkv",
            "Steins;Gate/Episode 05.mkv",
            "[Anime Land] Hunter x Hunter - 01.mkv",
        ])
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_LIBRARY_MEDIA_DIRS": media, "ANIKURA_SERVER_WEB_DIR": Self.web]),
            clock: clock
        )
        try await app.test(.live) { client in
            _ = try await Self.runJob("/api/library/scan", client: client)
            let (events, job) = try await Self.runJob("/api/matches/auto", client: client)
            #expect(events.contains { $0.hasPrefix("event: running") && $0.contains("\"phase\":\"matching\"") })
            #expect(job["state"] as? String == "done", "\(job)")
            let result = try #require(job["result"] as? [String: Any])
            #expect(result["files"] as? Int == 5)
            #expect(result["applied"] as? Int == 4, "\(result)")
            #expect(result["waiting"] as? Int == 1)
            #expect((result["titles"] as? Int ?? 0) > 49_000, "the whole 2015 dump")
            // One download (the titles dump); the documents it wants wait in the queue for the fetcher's turn.
            #expect(fake.requests.count == 1 && fake.animeRequests.isEmpty)
            let documents = try #require(result["documents"] as? [String: Any])
            #expect(documents["queued"] as? Int == 1, "Steins;Gate's document (7729)")

            let (_, listing) = try await Self.json(client, "/api/matches")
            let matches = (listing as? [String: Any])?["matches"] as? [[String: Any]] ?? []
            let steins = try #require(matches.first { ($0["path"] as? String)?.hasSuffix("Episode 05.mkv") == true })
            #expect(steins["aid"] as? Int == 7729 && steins["episode"] as? String == "5")

            // Hunter x Hunter ties between the 1998 pilot and the 1999 series: a person picks, and can undo it.
            let (_, library) = try await Self.json(client, "/api/library")
            let series = (library as? [String: Any])?["series"] as? [[String: Any]] ?? []
            let hunter = try #require(series.first { $0["title"] as? String == "Hunter x Hunter" }?["id"] as? Int)
            let (_, candidates) = try await Self.json(client, "/api/matches/\(hunter)/candidates")
            let listed = ((candidates as? [String: Any])?["candidates"] as? [[String: Any]] ?? []).compactMap { $0["aid"] as? Int }
            #expect(Set(listed.prefix(2)) == [132, 8565])
            let (status, chosen) = try await Self.json(client, "/api/matches/\(hunter)", method: .post, body: #"{"aid": 132}"#)
            #expect(status == .ok)
            let chosenFiles = (chosen as? [String: Any])?["files"] as? [[String: Any]] ?? []
            #expect(chosenFiles.first?["aid"] as? Int == 132 && chosenFiles.first?["source"] as? String == "series")
            #expect(chosenFiles.first?["applied"] as? Bool == true)
            let (_, undone) = try await Self.json(client, "/api/matches/\(hunter)", method: .delete)
            let undoneFiles = (undone as? [String: Any])?["files"] as? [[String: Any]] ?? []
            #expect(undoneFiles.first?["source"] as? String == "auto" && undoneFiles.first?["applied"] as? Bool == false)

            // What the matches tell: Haikyuu!!'s sequel is not on disk (from the seeded document of 10145).
            let (_, missing) = try await Self.json(client, "/api/library/missing-sequels")
            let report = missing as? [[String: Any]] ?? []
            let haikyuu = try #require(report.first { $0["aid"] as? Int == 10145 })
            let gaps = haikyuu["missing"] as? [[String: Any]] ?? []
            #expect(gaps.contains { $0["aid"] as? Int == 10981 && $0["relation"] as? String == "Sequel" })
            #expect(Set(haikyuu.keys) == ["aid", "title", "missing"])
            let (_, everything) = try await Self.json(client, "/api/library/missing-sequels?relations=all")
            let allGaps = ((everything as? [[String: Any]])?.first { $0["aid"] as? Int == 10145 }?["missing"] as? [[String: Any]]) ?? []
            #expect(allGaps.count > gaps.count)
            let (_, franchises) = try await Self.json(client, "/api/library/franchises")
            let list = (franchises as? [String: Any])?["franchises"] as? [[String: Any]] ?? []
            let haikyuuFranchise = try #require(list.first { ($0["members"] as? [[String: Any]])?.contains { $0["aid"] as? Int == 10145 } == true })
            let members = haikyuuFranchise["members"] as? [[String: Any]] ?? []
            #expect(members.contains { $0["aid"] as? Int == 10981 && $0["onDisk"] as? Bool == false })
            try await client.execute(uri: "/api/kometa/collections.yml", method: .get) { response in
                #expect(response.headers[.contentType]?.hasPrefix("application/yaml") == true)
                #expect(response.text.hasPrefix("# Written by Anikura"))
                #expect(response.text.contains("\ncollections:\n"))
                #expect(response.text.contains("anidb_id: 10145"))
                #expect(response.text.contains("\"Sequel Missing\":\n    anidb_id: "))
            }
            // The picture of it: the franchises page draws from the same JSON.
            try await client.execute(uri: "/franchises", method: .get) { response in
                #expect(response.status == .ok && response.text.contains("/js/main.js"))
            }
            try await client.execute(uri: "/js/views/franchises.js", method: .get) { response in
                #expect(response.text.contains("api.get('/api/library/franchises')"))
            }
            for (uri, method, body, expected) in [
                ("/api/matches/abc", HTTPRequest.Method.post, #"{"aid": 1}"#, HTTPResponse.Status.badRequest),
                ("/api/matches/999999", .post, #"{"aid": 1}"#, .notFound),
                ("/api/matches/\(hunter)", .post, "not json", .badRequest),
                ("/api/matches/\(hunter)", .post, #"{"aid": -3}"#, .badRequest),
                ("/api/matches/999999/candidates", .get, nil, .notFound),
                ("/api/library/missing-sequels?relations=,,,", .get, nil, .badRequest),
                ("/api/matches/files/999999", .post, #"{"aid": 1}"#, .notFound),
                ("/api/matches/files/1", .post, #"{"aid": 1, "episode": "../x"}"#, .badRequest),
            ] {
                let (status, _) = try await Self.json(client, uri, method: method, body: body)
                #expect(status == expected, "\(method) \(uri)")
            }
        }
        try await fake.stop()
    }

    @Test("documents the matcher wants never exceed AniDB's daily budget: the rest waits, and the report says so")
    func budget() async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        fake.setTitles(Self.titles2015)
        let names = [
            "[Commie] Steins;Gate - 01.mkv", "[Coalgirls] K-ON! - 01.mkv", "[Chihiro] Toradora! - 01.mkv",
            "[Commie] Shirobako - 01.mkv", "[Exiled-Destiny] Death Note - 01.mkv", "[Commie] Hyouka - 01.mkv",
        ]
        let media = try Self.media(names)
        fake.enforcePacing(minInterval: 4, tolerance: 0) { clock.now() }
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(
                fake,
                ["ANIKURA_LIBRARY_MEDIA_DIRS": media, "ANIKURA_MIRROR_DAILY_LIMIT": "3"]
            ),
            clock: clock
        )
        try await app.test(.live) { client in
            _ = try await Self.runJob("/api/library/scan", client: client)
            let (_, job) = try await Self.runJob("/api/matches/auto", client: client)
            let result = try #require(job["result"] as? [String: Any])
            #expect(result["applied"] as? Int == 6, "\(result)")
            let documents = try #require(result["documents"] as? [String: Any])
            #expect(documents["queued"] as? Int == 6)
            #expect((documents["message"] as? String)?.contains("the library may use 3 of the 3 AniDB requests a day") == true, "\(documents)")
            // The fetcher has done all it would at the clock's time: it waits with nothing due.
            @Sendable func fetcherWaits() async -> Bool {
                await eventually {
                    let status = (try? await Self.json(client, "/api/mirror/status"))?.1 as? [String: Any]
                    return status?["fetcherWaiting"] as? Bool == true
                }
            }
            // A day of fetching, 5 s at a time: the titles dump and two documents, then the budget is spent.
            for _ in 0..<40 {
                clock.advance(by: 5)
                #expect(await fetcherWaits())
            }
            #expect(fake.animeRequests.count == 2)
            clock.advance(by: 3600)
            #expect(await fetcherWaits())
            #expect(fake.requests.count == 3, "never more than daily_limit in 24 h")
            fake.expectNoBan()
            let (_, stats) = try await Self.json(client, "/stats")
            #expect((stats as? [String: Any])?["queue_size"] as? Int == 4)
        }
        try await fake.stop()
    }
}
