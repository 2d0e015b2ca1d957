import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Mirror
import NIOCore
import NIOHTTP1
import Testing

@testable import App

/// The client-facing side of Mirror II, over real sockets, with a fake AniDB behind the mirror.
@Suite("upstream fetching as clients see it")
struct UpstreamTests {
    static let good = "/httpapi?request=anime&client=shoko&clientver=1&protover=1"

    static func environment(_ fake: FakeAniDB, _ extra: [String: String] = [:]) -> [String: String] {
        [
            "ANIKURA_MIRROR_BASE_URL": fake.baseURL,
            "ANIKURA_MIRROR_TITLES_URL": fake.titlesURL,
            "ANIKURA_MIRROR_CLIENT": "anikuratest",
            "ANIKURA_MIRROR_CLIENTVER": "1",
        ].merging(extra) { $1 }
    }

    @Test(
        "/httpapi holds a request for a missing aid until it is fetched; 1,000 such requests make one upstream request",
        arguments: MirrorBackend.allCases
    )
    func httpapiWaitsAndCoalesces(backend: MirrorBackend) async throws {
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        fake.add(aid: 959, document: TestApp.file("959.xml"))
        // AniDB answers only once all 1,000 clients are waiting: then none of them can have been answered otherwise.
        let hold = FakeAniDB.Hold()
        fake.script { $0.aid == 959 ? .held(hold, .gzip(TestApp.file("959.xml"), announced: false)) : nil }
        let app = try await TestApp.build(environment: Self.environment(fake, try await backend.environment()), database: AppDatabase.open(path: nil))
        try await app.test(.live) { client in
            let released = Task {
                let all = await eventually {
                    (try? await client.execute(uri: "/metrics", method: .get).text.contains("anikura_clients_waiting 1000")) == true
                }
                hold.release()
                return all
            }
            defer { hold.release() }
            let port = try #require(client.port)
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 1000
            configuration.decompression = .disabled
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let outcome: Result<[[UInt8]?], any Error>
            do {
                outcome = .success(
                    try await withThrowingTaskGroup(of: [UInt8]?.self) { group -> [[UInt8]?] in
                        for _ in 0..<1000 {
                            group.addTask {
                                let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(Self.good)&aid=959")
                                let response = try await http.execute(request, timeout: .seconds(60))
                                guard response.status == .ok, response.headers["Content-Encoding"].first == "gzip" else {
                                    return Array("HTTP \(response.status.code): ".utf8)
                                        + Array(try await response.body.collect(upTo: 1 << 16).readableBytesView)
                                }
                                return try Gzip.decompress(Array(try await response.body.collect(upTo: 1 << 22).readableBytesView))
                            }
                        }
                        return try await group.reduce(into: [[UInt8]?]()) { $0.append($1) }
                    }
                )
            } catch {
                outcome = .failure(error)
            }
            // Shut down before looking at the outcome: a client left running fails its deinit check.
            try await http.shutdown()
            let bodies = try outcome.get()
            #expect(await released.value, "all 1,000 were waiting before AniDB answered")
            #expect(bodies.count == 1000)
            let wrong = bodies.filter { $0 != TestApp.file("959.xml") }
            #expect(
                wrong.isEmpty,
                "\(wrong.count) other answers, e.g. \(wrong.first.map { String(decoding: $0 ?? [], as: UTF8.self).prefix(300) } ?? "")"
            )
            #expect(fake.animeRequests.count == 1)
        }
    }

    @Test(
        "/anime/{aid} for a missing aid: 202 with Retry-After and an honest estimate; ?wait= returns the document",
        arguments: MirrorBackend.allCases
    )
    func kometaQueueAndWait(backend: MirrorBackend) async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        fake.add(aid: 959, document: TestApp.file("959.xml"))
        fake.add(aid: 1, document: TestApp.file("1.xml"))
        // No hold for requests without ?wait=: this test is about the 202 (ClientShapesTests has the hold).
        let app = try await TestApp.build(
            environment: Self.environment(fake, ["ANIKURA_MIRROR_CLIENT_WAIT_SECS": "0"].merging(try await backend.environment()) { $1 }),
            clock: clock,
            database: AppDatabase.open(path: nil)
        )
        try await app.test(.live) { client in
            // The first fetch, waited for. On a loaded machine (PostgreSQL in the loop) its first try can fail and be
            // retried: ask until it is stored; a MISS is what the first try that is answered says.
            let first = LockedBox<(tries: Int, status: HTTPResponse.Status, cache: String?, bytes: [UInt8])>((0, .accepted, nil, []))
            #expect(
                await eventually {
                    guard
                        let response = try? await client.execute(uri: "/anime/959?wait=10", method: .get)
                    else { return false }
                    first.withLock { $0 = ($0.tries + 1, response.status, response.headers[HTTPField.Name("X-Cache")!], Array(response.bytes)) }
                    return response.status == .ok
                }
            )
            let (tries, _, cache, bytes) = first.withLock { $0 }
            #expect(bytes == TestApp.file("959.xml"))
            #expect(tries > 1 || cache == "MISS", "\(String(describing: cache))")
            // The next request may only go 4 s after the first: the 202 says so.
            try await client.execute(uri: "/anime/1", method: .get) { response in
                #expect(response.status == .accepted)
                let json = try response.json()
                #expect(json["queue_position"] as? Int == 1)
                #expect(json["retry_after"] as? Int == 6)
                #expect(response.headers[.retryAfter] == "6")
                #expect(json["estimated_fetch_at"] as? String == ISOTime.format(clock.now() + 4))
            }
            try await client.execute(uri: "/anime/959", method: .get) { response in
                #expect(response.headers[HTTPField.Name("X-Cache")!] == "HIT")
            }
            clock.advance(by: 4)
            #expect(await eventually { fake.animeRequests.count == 2 })
            #expect(await eventually { (try? await client.execute(uri: "/anime/1", method: .get).status) == .ok })
            // The admin's upstream log: both requests, newest first, each with its outcome.
            try await client.execute(uri: "/api/mirror/upstream?limit=10", method: .get) { response in
                let requests = try response.json()["requests"] as? [[String: Any]] ?? []
                #expect(requests.compactMap { $0["aid"] as? Int } == [1, 959], "\(requests)")
                #expect(requests.allSatisfy { $0["target"] as? String == "anime" && $0["outcome"] as? String != "pending" })
            }
        }
    }

    @Test("a stale entry is served at once as STALE and refreshed in the background", arguments: MirrorBackend.allCases)
    func staleRefresh(backend: MirrorBackend) async throws {
        let clock = ManualClock(now: TestApp.seedTime + 8 * 86_400)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        let newer = TestApp.file("22.xml")
        fake.add(aid: 22, document: newer)
        // Eight days on, the seeded copy is past stale_after_days (7).
        let app = try await TestApp.build(environment: Self.environment(fake, try await backend.environment()), clock: clock)
        try await app.test(.live) { client in
            try await client.execute(uri: "/anime/22", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Cache")!] == "STALE")
            }
            #expect(await eventually { fake.animeRequests.count == 1 })
            #expect(
                await eventually {
                    (try? await client.execute(uri: "/anime/22", method: .get).headers[HTTPField.Name("X-Cache")!])
                        == "HIT"
                }
            )
        }
    }

    @Test("/stats and /metrics tell queue, budget, ban and errors", arguments: MirrorBackend.allCases)
    func statsAndMetrics(backend: MirrorBackend) async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        fake.script { $0.aid == 31 ? .error("<error code=\"500\">banned</error>") : nil }
        let app = try await TestApp.build(
            environment: Self.environment(
                fake,
                ["ANIKURA_MIRROR_DAILY_LIMIT": "150", "ANIKURA_MIRROR_CLIENT_WAIT_SECS": "0"].merging(try await backend.environment()) { $1 }
            ),
            clock: clock
        )
        try await app.test(.live) { client in
            _ = try await client.execute(uri: "/anime/31", method: .get)
            #expect(await eventually { fake.animeRequests.count == 1 })
            #expect(
                await eventually {
                    let json = try? await client.execute(uri: "/stats", method: .get).json()
                    return json?["banned"] as? Bool == true
                }
            )
            try await client.execute(uri: "/stats", method: .get) { response in
                let json = try response.json()
                #expect(json["status"] as? String == "online")
                #expect(json["upstream_status"] as? String == "banned")
                #expect(json["api_calls_last_24h"] as? Int == 1)
                #expect(json["requests_left_24h"] as? Int == 149)
                #expect(json["daily_limit"] as? Int == 150)
                #expect(json["queue_size"] as? Int == 1)
                #expect(json["banned_until"] as? String == ISOTime.format(clock.now() + 86_400))
                #expect(json["next_request_at"] as? String == ISOTime.format(clock.now() + 86_400))
                #expect((json["last_upstream_error"] as? String)?.contains("banned") == true)
                #expect(json["cached_anime"] as? Int == 19)
            }
            _ = try await client.execute(uri: "/anime/1", method: .get)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
                let text = response.text
                #expect(text.contains(#"anikura_upstream_requests_total{target="anime",outcome="banned"} 1"#))
                #expect(text.contains("anikura_refresh_queue_depth 1.0"))
                #expect(text.contains(#"anikura_document_requests_total{result="miss"} 1"#))
                #expect(text.contains(#"anikura_document_requests_total{result="hit"} 1"#))
                #expect(text.contains("anikura_upstream_banned 1.0"))
            }
        }
    }

    @Test(
        "/api/anime-titles.xml.gz serves AniDB's gzip bytes with no Content-Encoding; search then finds unfetched anime",
        arguments: MirrorBackend.allCases
    )
    func titlesDump(backend: MirrorBackend) async throws {
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        let gzip = try Gzip.compress(Array(try Data(contentsOf: Self.titlesSlice)))
        fake.setTitles(gzip)
        let app = try await TestApp.build(environment: Self.environment(fake, try await backend.environment()))
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/anime-titles.xml.gz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
            }
            #expect(await eventually { (try? await client.execute(uri: "/api/anime-titles.xml.gz", method: .get).status) == .ok })
            try await client.execute(uri: "/api/anime-titles.xml.gz", method: .get) { response in
                #expect(response.headers[.contentEncoding] == nil)
                #expect(response.bytes == gzip)
            }
            try await client.execute(uri: "/api/search?q=Crest%20of%20the%20Stars", method: .get) { response in
                let json = try response.json()
                let results = json["results"] as? [[String: Any]] ?? []
                #expect(results.first?["aid"] as? Int == 1)
            }
            #expect(fake.requests.count == 1, "one download")
        }
    }

    static var titlesSlice: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("MirrorTests/Fixtures/titles/anime-titles.slice.xml")
    }

    @Test("without AniDB client settings /stats says upstream_status off and nothing is asked; /metrics counts the seed import")
    func fetchingOff() async throws {
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        // The fake's address but no client name or version: the mirror must not ask it anything.
        let app = try await TestApp.build(
            environment: ["ANIKURA_MIRROR_BASE_URL": fake.baseURL, "ANIKURA_MIRROR_SEED_DIR": TestApp.demoSeed],
            database: AppDatabase.open(path: nil)
        )
        try await app.test(.live) { client in
            #expect(
                await eventually {
                    (try? await client.execute(uri: "/stats", method: .get).json())?["cached_anime"] as? Int == 19
                }
            )
            let stats = try await client.execute(uri: "/stats", method: .get).json()
            #expect(stats["upstream_status"] as? String == "off")
            #expect(stats["next_request_at"] is NSNull)
            let queued = try await client.execute(uri: "/anime/4242", method: .get)
            #expect(queued.status == .accepted)
            let holdUp = try queued.json()["held_up_by"] as? String
            #expect(holdUp == "fetching from AniDB is off on this mirror (no AniDB client configured)")
            let metrics = try await client.execute(uri: "/metrics", method: .get).text
            #expect(metrics.contains(#"anikura_import_documents_total{result="imported"} 19"#), "\(metrics.prefix(2000))")
            #expect(metrics.contains(#"anikura_import_documents_total{result="failed"} 0"#))
        }
        #expect(fake.requests.isEmpty)
    }

}
