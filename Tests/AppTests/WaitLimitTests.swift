import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mirror
import NIOCore
import NIOHTTP1
import Testing

@testable import App

/// What the README promises about waiting for a fetch: `/httpapi` holds up to `httpapi_wait_secs`, then 503;
/// `?wait=` is capped at 60 s.
@Suite("how long clients are held")
struct WaitLimitTests {
    @Test("/httpapi holds a request for httpapi_wait_secs, then answers 503 with Retry-After while the fetch is still out")
    func httpapiGivesUp() async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        fake.add(aid: 959, document: TestApp.file("959.xml"))
        // AniDB takes its time (real seconds) to answer; the mirror's clock moves past the hold meanwhile.
        fake.script { $0.aid == 959 ? .delayed(5, .gzip(TestApp.file("959.xml"), announced: false)) : nil }
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_MIRROR_HTTPAPI_WAIT_SECS": "30"]),
            clock: clock,
            database: AppDatabase.open(path: nil)
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let answered = LockedBox(false)
            let held = Task {
                let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(UpstreamTests.good)&aid=959")
                let response = try await http.execute(request, timeout: .seconds(60))
                answered.withLock { $0 = true }
                return (response.status.code, response.headers["Retry-After"].first)
            }
            #expect(await eventually { fake.animeRequests.count == 1 })
            // The clock has not moved: the hold began now, and waits on the mirror's clock until 30 s on.
            let start = clock.now()
            #expect(await eventually { clock.deadlines.contains(start + 30) }, "\(clock.deadlines.map { $0 - start })")
            clock.advance(by: 29)
            #expect(clock.deadlines.contains(start + 30) && !answered.withLock { $0 }, "still held at 29 s")
            clock.advance(by: 2)
            let outcome = await held.result
            try await http.shutdown()
            let (status, retry) = try outcome.get()
            #expect(status == 503)
            #expect(retry.flatMap(Int.init).map { $0 > 0 } == true, "\(String(describing: retry))")
        }
    }

    @Test("?wait= is capped at 60 s: a fetch due in 50 s is waited for, one due in 100 s is not")
    func waitIsCapped() async throws {
        for (interval, held) in [(50, true), (100, false)] {
            let clock = ManualClock(now: Date().timeIntervalSince1970)
            let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
            defer { fake.expectNoBan() }
            for aid in [959, 1] { fake.add(aid: aid, document: TestApp.file("\(aid).xml")) }
            let app = try await TestApp.build(
                environment: UpstreamTests.environment(fake, ["ANIKURA_MIRROR_MIN_INTERVAL_SECS": "\(interval)"]),
                clock: clock,
                database: AppDatabase.open(path: nil)
            )
            try await app.test(.live) { client in
                // The first fetch takes the upstream slot. On a loaded machine its first try can fail and be retried:
                // ask until it is stored, and count the requests from there.
                #expect(await eventually { (try? await client.execute(uri: "/anime/959?wait=10", method: .get) { $0.status }) == .ok })
                let before = fake.animeRequests.count
                let port = try #require(client.port)
                let http = HTTPClient(eventLoopGroupProvider: .singleton)
                let answered = LockedBox(false)
                let answer = Task {
                    let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/anime/1?wait=3600")
                    let status = try await http.execute(request, timeout: .seconds(60)).status.code
                    answered.withLock { $0 = true }
                    return status
                }
                if held {
                    // Held: nothing comes back until the clock reaches the fetch, 50 s on.
                    #expect(await eventually { (try? await client.execute(uri: "/stats", method: .get).json()["queue_size"] as? Int) == 1 })
                    // Held on the mirror's clock, at most the 60 s cap, and the clock has not moved.
                    let start = clock.now()
                    #expect(await eventually { clock.deadlines.contains(start + 60) }, "\(clock.deadlines.map { $0 - start })")
                    #expect(!answered.withLock { $0 }, "held until the fetch")
                    clock.advance(by: Double(interval))
                }
                let outcome = await answer.result
                try await http.shutdown()
                let status = try outcome.get()
                // 100 s is past the 60 s cap: 202 at once, with the clock never moved.
                #expect(status == (held ? 200 : 202), "interval \(interval): \(status)")
                #expect(fake.animeRequests.count == before + (held ? 1 : 0))
            }
        }
    }
}
