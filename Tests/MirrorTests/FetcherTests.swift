import AniDBFake
import Foundation
import Testing

@testable import Mirror

@Suite("fetcher: polite, lazy refresh from (a fake) AniDB")
struct FetcherTests {
    @Test("a missing aid is fetched, gzip with or without Content-Encoding, stored and kept as a file", arguments: [true, false])
    func fetchesMissing(announced: Bool) async throws {
        let harness = try await FetcherHarness()
        harness.fake.script { $0.aid == 22 ? .gzip(Fixtures.anime(22), announced: announced) : nil }
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            switch try await fetcher.lookup(aid: 22, mature: true) {
            case .queued(let estimate):
                #expect(estimate.position == 1)
                #expect(estimate.fetchAt == harness.clock.now(), "nothing holds it up: it goes at once")
            case .document(_, let cache):
                // The fetcher, woken by the lookup, asked and stored it before the lookup's estimate was made.
                #expect(cache == .fetched)
            default:
                Issue.record("expected the aid to be queued, or fetched at once")
            }
            #expect(await harness.settle(requests: 1))
            let document = try #require(try await harness.store.servedBuffer(aid: 22, mature: true))
            #expect(document.xml == Fixtures.anime(22))
            #expect(document.fetchedAt == harness.clock.now(), "a fetched document's age starts now")
            let kept = FileManager.default.contents(atPath: harness.dataDirectory + "/anidb/22.xml")
            #expect(kept.map { [UInt8]($0) } == Fixtures.anime(22))
            let request = try #require(harness.fake.animeRequests.first)
            #expect(request.query["request"] == "anime")
            #expect(request.query["client"] == "anikuratest")
            #expect(request.query["clientver"] == "1")
            #expect(request.query["protover"] == "1")
            #expect(request.query["aid"] == "22")
            #expect(try await harness.store.queuedAIDs().isEmpty)
            if case .document(_, let cache) = try await fetcher.lookup(aid: 22, mature: true) {
                #expect(cache == .hit)
            } else {
                Issue.record("expected the stored document")
            }
        }
    }

    @Test("requests start at least min_interval apart, and the interval holds across a restart", arguments: LedgerBackend.allCases)
    func interval(backend: LedgerBackend) async throws {
        let path = NSTemporaryDirectory() + "anikura-interval-\(UUID().uuidString).sqlite"
        let harness = try await FetcherHarness(store: try TestDatabase.fileStore(path: path), backend: backend)
        for aid in [1, 22, 959] { _ = try await harness.ledger.enqueue(aid: aid, priority: .missing, now: harness.clock.now()) }
        try await harness.running(harness.makeFetcher()) {
            #expect(await harness.settle(requests: 1))
            harness.clock.advance(by: 1)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1)
        }
        // A new process on the same database, one second after the first request.
        let restarted = try await FetcherHarness(store: try TestDatabase.fileStore(path: path), clock: harness.clock, sharing: harness)
        restarted.fake.add(aid: 22, document: Fixtures.anime(22))
        var settings = restarted.settings
        settings.baseURL = harness.fake.baseURL
        try await restarted.running(restarted.makeFetcher(settings: settings)) {
            #expect(await restarted.runToIdle())
            #expect(harness.upstreamCount == 1, "the restart must not reset the interval")
            harness.clock.advance(by: 2.9)
            #expect(await restarted.runToIdle())
            #expect(harness.upstreamCount == 1)
            harness.clock.advance(by: 0.1)
            #expect(await harness.settle(requests: 2))
            #expect(harness.fake.animeRequests.map(\.aid) == [1, 22])
        }
    }

    @Test("the library's wishes wait behind clients and leave a quarter of the day's budget to them", arguments: LedgerBackend.allCases)
    func libraryShare(backend: LedgerBackend) async throws {
        let limits = UpstreamLimits(minInterval: 4, dailyLimit: 8)
        let harness = try await FetcherHarness(limits: limits, backend: backend)
        harness.fake.add(aid: 22, document: Fixtures.anime(22))
        let fetcher = harness.makeFetcher()
        let wish = try await fetcher.want(Array(100...109))
        #expect(wish.queued == 10 && wish.queueSize == 10)
        #expect(wish.message?.contains("the library may use 6 of the 8 AniDB requests a day") == true, "\(wish)")
        try await harness.running(fetcher) {
            for expected in 1...6 {
                #expect(await harness.settle(requests: expected))
                harness.clock.advance(by: 4)
            }
            #expect(await harness.runToIdle())
            harness.clock.advance(by: 3600)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 6, "three quarters of the budget, then the library waits")
            // A client's missing aid still goes, ahead of the library's remaining four.
            _ = try await fetcher.lookup(aid: 22, mature: true)
            #expect(await harness.settle(requests: 7))
            #expect(harness.fake.animeRequests.last?.aid == 22)
            #expect(try await harness.ledger.queuedAIDs().count == 4)
        }
    }

    @Test("at most daily_limit requests in any rolling 24 h, counted across restarts", arguments: LedgerBackend.allCases)
    func dailyLimit(backend: LedgerBackend) async throws {
        let path = NSTemporaryDirectory() + "anikura-daily-\(UUID().uuidString).sqlite"
        let limits = UpstreamLimits(minInterval: 4, dailyLimit: 3)
        let harness = try await FetcherHarness(store: try TestDatabase.fileStore(path: path), limits: limits, backend: backend)
        let start = harness.clock.now()
        for aid in [1, 22, 959, 10145, 5] { _ = try await harness.ledger.enqueue(aid: aid, priority: .missing, now: start) }
        try await harness.running(harness.makeFetcher()) {
            for expected in 1...3 {
                #expect(await harness.settle(requests: expected))
                harness.clock.advance(by: 4)
            }
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 3)
        }
        // Restart: the log is in SQLite, so the budget is still spent.
        let store = try TestDatabase.fileStore(path: path)
        let restarted = harness.makeFetcher(store: store)
        try await harness.running(restarted) {
            harness.clock.advance(to: start + 86_399)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 3, "the window still holds three requests")
            let starts = try await harness.ledger(for: store).upstreamStarts(now: harness.clock.now())
            #expect(starts.count == 3)
            harness.clock.advance(to: start + 86_400.5)
            #expect(await harness.settle(requests: 4))
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 4, "only the first start left the window")
        }
    }

    @Test("1,000 concurrent clients waiting on one missing aid cause one upstream request")
    func oneRequestForManyWaiters() async throws {
        let harness = try await FetcherHarness()
        harness.fake.script { $0.aid == 959 ? .delayed(0.3, .gzip(Fixtures.anime(959), announced: true)) : nil }
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            let documents = try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<1000 {
                    group.addTask {
                        guard case .document(let document, _) = try await fetcher.lookup(aid: 959, mature: true, waitSeconds: 30)
                        else { return false }
                        return document.xml == Fixtures.anime(959)
                    }
                }
                return try await group.reduce(0) { $0 + ($1 ? 1 : 0) }
            }
            #expect(documents == 1000)
            #expect(harness.fake.animeRequests.count == 1)
            #expect(fetcher.waiters.count == 0, "no waiter is left behind")
        }
    }

    static let bans: [FakeAniDB.Reply] = [
        .error("<error code=\"500\">banned</error>"), .error("<error>Banned</error>"), .status(429), .status(503),
    ]

    @Test("a ban stops every upstream request for ban_pause_hours, across a restart", arguments: bans, LedgerBackend.allCases)
    func ban(reply: FakeAniDB.Reply, backend: LedgerBackend) async throws {
        let path = NSTemporaryDirectory() + "anikura-ban-\(UUID().uuidString).sqlite"
        let harness = try await FetcherHarness(store: try TestDatabase.fileStore(path: path), backend: backend)
        harness.fake.script { $0.aid == 1 ? reply : nil }
        let start = harness.clock.now()
        for aid in [1, 22] { _ = try await harness.ledger.enqueue(aid: aid, priority: .missing, now: start) }
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            #expect(await harness.settle(requests: 1))
            let state = try await harness.ledger.upstreamState()
            #expect(state.bannedUntil == start + 86_400)
            harness.clock.advance(by: 3600)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1)
            let snapshot = try await fetcher.snapshot()
            #expect(snapshot.bannedUntil == start + 86_400)
            guard case .queued(let estimate) = try await fetcher.lookup(aid: 959, mature: true) else {
                Issue.record("expected a queued answer")
                return
            }
            #expect(estimate.fetchAt ?? 0 >= start + 86_400, "the estimate owns up to the ban")
            #expect(estimate.holdUp?.contains("banned") == true)
        }
        try await harness.running(harness.makeFetcher()) {
            harness.clock.advance(to: start + 86_399)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1, "a restart does not lift the ban")
            harness.clock.advance(to: start + 86_400)
            #expect(await harness.settle(requests: 2))
        }
    }

    static let badReplies: [FakeAniDB.Reply] = [
        .error("<error code=\"500\">banned</error>"),
        .error("<error code=\"302\">client version missing or invalid</error>"),
        .error("<error>Anime not found</error>"),
        .gzip(Fixtures.anime(22), announced: true),  // a document for another aid
        .gzip(Array(Fixtures.anime(1).prefix(2000)), announced: false),  // truncated
        .plain(Array("<html>Service Unavailable</html>".utf8)),
        .plain([0x1f, 0x8b, 0x08, 0x00, 0x01, 0x02]),  // broken gzip
        .status(500),
        .drop,
    ]

    @Test("an error or bad body never replaces a good document", arguments: badReplies)
    func neverReplacesGoodDocument(reply: FakeAniDB.Reply) async throws {
        let store = try TestDatabase.store(documents: [Fixtures.anime(1)], fetchedAt: 1_000_000_000)
        let harness = try await FetcherHarness(store: store)
        harness.fake.script { _ in reply }
        let before = try #require(try await store.servedBuffer(aid: 1, mature: true))
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            guard case .document(_, let cache) = try await fetcher.lookup(aid: 1, mature: true) else {
                Issue.record("the stored document must be served")
                return
            }
            #expect(cache == .stale)
            #expect(await harness.settle(requests: 1))
            let after = try #require(try await store.servedBuffer(aid: 1, mature: true))
            #expect(after.xml == before.xml)
            #expect(after.etag == before.etag)
            #expect(!FileManager.default.fileExists(atPath: harness.dataDirectory + "/anidb/1.xml"))
            let record = try #require(try await store.animeRecord(aid: 1))
            #expect(record.titles.count > 0, "the shredded rows are intact too")
        }
    }

    @Test("the same aid is never asked twice within 24 h, whatever the outcome", arguments: LedgerBackend.allCases)
    func sameAIDOncePerDay(backend: LedgerBackend) async throws {
        let harness = try await FetcherHarness(backend: backend)
        harness.fake.script { $0.aid == 5 ? .drop : nil }
        let start = harness.clock.now()
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            _ = try await fetcher.lookup(aid: 5, mature: true)
            #expect(await harness.settle(requests: 1))
            harness.clock.advance(by: 10)
            _ = try await fetcher.lookup(aid: 22, mature: true)
            #expect(await harness.settle(requests: 2))
            // Both asked again: one failed, one succeeded (and is then re-queued by hand as if stale).
            _ = try await fetcher.lookup(aid: 5, mature: true)
            _ = try await harness.ledger.enqueue(aid: 22, priority: .stale, now: harness.clock.now())
            // Told, as a client's request would tell it: the fetcher looks at the queue now, and still waits.
            fetcher.workArrived()
            for _ in 0..<12 {
                harness.clock.advance(by: 7199)
                #expect(await harness.runToIdle())
            }
            #expect(harness.clock.now() < start + 86_400)
            #expect(harness.upstreamCount == 2)
            harness.clock.advance(to: start + 86_400)
            #expect(await harness.settle(requests: 3))
            #expect(harness.fake.animeRequests.last?.aid == 5)
            harness.clock.advance(to: start + 86_400 + 10)
            #expect(await harness.settle(requests: 4))
            #expect(harness.fake.animeRequests.map(\.aid) == [5, 22, 5, 22])
        }
    }

    @Test("a request cut off by a crash still counts: it is logged before it goes out", arguments: LedgerBackend.allCases)
    func crashMidRequestCounts(backend: LedgerBackend) async throws {
        let path = NSTemporaryDirectory() + "anikura-crash-\(UUID().uuidString).sqlite"
        let harness = try await FetcherHarness(store: try TestDatabase.fileStore(path: path), backend: backend)
        harness.fake.script { $0.aid == 1 ? .delayed(30, .gzip(Fixtures.anime(1), announced: true)) : nil }
        for aid in [1, 22] { _ = try await harness.ledger.enqueue(aid: aid, priority: .missing, now: harness.clock.now()) }
        let start = harness.clock.now()
        try await harness.running(harness.makeFetcher()) {
            #expect(await eventually { harness.upstreamCount == 1 })
        }  // the process dies with the request in flight
        let store = try TestDatabase.fileStore(path: path)
        #expect(try await harness.ledger(for: store).upstreamStarts(now: start) == [start])
        #expect(try await harness.ledger(for: store).upstreamOutcomes(now: start) == ["pending": 1])
        let restarted = harness.makeFetcher(store: store)
        try await harness.running(restarted) {
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1, "the interval counts from the cut-off request")
            harness.clock.advance(by: 4)
            #expect(await eventually { harness.upstreamCount == 2 })
            #expect(harness.fake.animeRequests.last?.aid == 22, "aid 1 was asked less than 24 h ago")
            #expect(await harness.settle(requests: 2))
            let outcomes = try await harness.ledger(for: store).upstreamOutcomes(now: harness.clock.now())
            #expect(outcomes == ["interrupted": 1, "ok": 1])
        }
    }

    @Test("a document that merely mentions being banned is a document, not a ban")
    func bannedInsideADocument() async throws {
        let harness = try await FetcherHarness()
        let text = String(decoding: Fixtures.anime(1), as: UTF8.self)
            .replacingOccurrences(of: "<description>* Based on", with: "<description>Banned: banned. * Based on")
        let bytes = Array(text.utf8)
        harness.fake.add(aid: 1, document: bytes)
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            _ = try await fetcher.lookup(aid: 1, mature: true)
            #expect(await harness.settle(requests: 1))
            #expect(try await harness.store.servedBuffer(aid: 1, mature: true)?.xml == bytes)
            #expect(try await harness.store.upstreamState().bannedUntil == nil)
        }
    }

    @Test("the estimate owns up to the interval, the queue and the once-a-day rule", arguments: LedgerBackend.allCases)
    func estimates(backend: LedgerBackend) async throws {
        let harness = try await FetcherHarness(backend: backend)
        harness.fake.script { $0.aid == 5 ? .drop : nil }
        let fetcher = harness.makeFetcher()
        let start = harness.clock.now()
        try await harness.running(fetcher) {
            _ = try await fetcher.lookup(aid: 5, mature: true)
            #expect(await harness.settle(requests: 1))
            // Network error: back-off 6 s, then the queue in order, 4 s apart.
            var positions: [Int: QueueEstimate] = [:]
            for aid in [6, 7] {
                guard case .queued(let estimate) = try await fetcher.lookup(aid: aid, mature: true) else { continue }
                positions[aid] = estimate
            }
            #expect(positions[6]?.fetchAt == start + 6)
            #expect(positions[7]?.fetchAt == start + 10)
            guard case .queued(let again) = try await fetcher.lookup(aid: 5, mature: true) else {
                Issue.record("aid 5 is still queued")
                return
            }
            #expect(again.fetchAt == start + 86_400)
            #expect(again.holdUp?.contains("once a day") == true)
            #expect(fetcher.retryAfter(again) == 86_402)
        }
    }

    @Test("network errors back off exponentially, with every attempt counted", arguments: LedgerBackend.allCases)
    func backoff(backend: LedgerBackend) async throws {
        let harness = try await FetcherHarness(backend: backend)
        harness.fake.script { _ in .drop }
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            for aid in [101, 102, 103] { _ = try await harness.ledger.enqueue(aid: aid, priority: .missing, now: harness.clock.now()) }
            fetcher.wake.signal()
            #expect(await harness.settle(requests: 1))
            var state = try await harness.ledger.upstreamState()
            #expect(state.consecutiveFailures == 1)
            // 4 s × 2¹ × jitter 0.75.
            #expect(state.backoffUntil == harness.clock.now() + 6)
            harness.clock.advance(by: 5.9)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1)
            harness.clock.advance(by: 0.1)
            #expect(await harness.settle(requests: 2))
            state = try await harness.ledger.upstreamState()
            #expect(state.consecutiveFailures == 2)
            #expect(state.backoffUntil == harness.clock.now() + 12)
            #expect(try await harness.ledger.upstreamStarts(now: harness.clock.now()).count == 2)
        }
    }

    @Test("a slow AniDB times out and counts as a network error")
    func timeout() async throws {
        let harness = try await FetcherHarness()
        // Were the fetcher to wait for it, this answer would settle the request as "not found".
        harness.fake.script { _ in .delayed(30, .error("<error>Anime not found</error>")) }
        let fetcher = harness.makeFetcher(timeoutSeconds: 1)
        try await harness.running(fetcher) {
            _ = try await fetcher.lookup(aid: 7, mature: true)
            // The 1 s deadline covers connecting too: on a loaded machine it may pass before the fake has even
            // read the request. Either way the request ends as a network error, not as AniDB's late answer.
            let store = harness.store
            let clock = harness.clock
            #expect(try await eventually { try await store.upstreamOutcomes(now: clock.now()) == ["transient": 1] })
            #expect(harness.fake.requests.count <= 1)
            #expect(try await harness.store.queuedAIDs() == [7], "a network error leaves the aid queued")
        }
    }

    @Test("'Anime not found' is remembered: 404 until a request after the stale period", arguments: LedgerBackend.allCases)
    func notFound(backend: LedgerBackend) async throws {
        let harness = try await FetcherHarness(backend: backend)
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            guard case .notFound = try await fetcher.lookup(aid: 424242, mature: true, waitSeconds: 30) else {
                Issue.record("a waiting client should learn that the aid does not exist")
                return
            }
            #expect(await harness.settle(requests: 1))
            harness.clock.advance(by: 86_400)
            guard case .notFound = try await fetcher.lookup(aid: 424242, mature: true) else {
                Issue.record("remembered: answered without asking AniDB")
                return
            }
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1)
            #expect(try await harness.ledger.queuedAIDs().isEmpty)
            harness.clock.advance(by: 6 * 86_400)
            guard case .queued = try await fetcher.lookup(aid: 424242, mature: true) else {
                Issue.record("after the stale period the aid is asked again")
                return
            }
            #expect(await harness.settle(requests: 2))
        }
    }

    @Test("client errors stop fetching, loudly, until the client configuration changes", arguments: LedgerBackend.allCases)
    func clientError(backend: LedgerBackend) async throws {
        let harness = try await FetcherHarness(clientVersion: "x1", backend: backend)
        for aid in [1, 22] { _ = try await harness.ledger.enqueue(aid: aid, priority: .missing, now: harness.clock.now()) }
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            #expect(await harness.settle(requests: 1))
            harness.clock.advance(by: 3600)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1, "no retries")
            let snapshot = try await fetcher.snapshot()
            #expect(snapshot.clientError == "302 client version missing or invalid")
            #expect(snapshot.nextRequestAt == nil)
            #expect(harness.logs.text.contains("critical AniDB refused our client"))
        }
        var fixed = harness.settings
        fixed.clientVersion = "2"
        try await harness.running(harness.makeFetcher(settings: fixed)) {
            #expect(await harness.settle(requests: 2))
            #expect(harness.fake.animeRequests.last?.query["clientver"] == "2")
        }
    }

    @Test("the AniDB password and user name never reach the log, the state or the metrics")
    func credentialsStaySecret() async throws {
        let harness = try await FetcherHarness(username: "hikaru77", password: "s3cr3t-Pa55")
        harness.fake.script { request in
            switch request.aid {
            case 31: .drop
            case 32: .status(500)
            case 33: .plain(Array("<anime id=\"33\">".utf8))
            default: nil
            }
        }
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            for (index, aid) in [31, 32, 33, 1].enumerated() {
                _ = try await fetcher.lookup(aid: aid, mature: true)
                #expect(await harness.settle(requests: index + 1))
                harness.clock.advance(by: 3600)
            }
        }
        let sent = try #require(harness.fake.animeRequests.first)
        #expect(sent.query["user"] == "hikaru77")
        #expect(sent.query["pass"] == "s3cr3t-Pa55", "restricted anime need the account")
        let state = try await harness.store.upstreamState()
        let metrics = String(decoding: MirrorMetrics().render(try await fetcher.snapshot()), as: UTF8.self)
        for text in [harness.logs.text, String(describing: state), metrics] {
            #expect(!text.contains("s3cr3t"))
            #expect(!text.contains("hikaru77"))
        }
        #expect(harness.logs.text.contains("anime 31"), "the failures themselves are logged")
    }

    @Test("the titles dump is downloaded once per 24 h when needed, shredded, and kept as AniDB's gzip bytes")
    func titlesDump() async throws {
        let harness = try await FetcherHarness()
        let gzip = Fixtures.bytes("titles/anime-titles-2015.xml.gz")
        harness.fake.setTitles(gzip)
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            #expect(fetcher.titlesDump() == nil)
            try await fetcher.needTitles()
            #expect(await harness.settle(requests: 1))
            #expect(fetcher.titlesDump() == gzip)
            let counts = try await harness.store.counts()
            #expect(counts.dumpAnime == 9259)
            harness.clock.advance(by: 3600)
            try await fetcher.needTitles()
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 1)
            #expect(try await fetcher.snapshot().titlesFetchedAt != nil)
            // Search now finds anime we have no document for, and says so.
            let before = try #require(try await harness.store.searchTitles("Seikai no Monshou", limit: 5, mature: false).first)
            #expect(before.aid == 1)
            #expect(!before.hasDocument)
            try harness.store.store(
                [try StoredDocument.validate(Fixtures.anime(1), expectedAID: 1, fileTime: 1, parser: AnimeDocumentParser())],
                now: 1
            )
            let after = try #require(try await harness.store.searchTitles("Seikai no Monshou", limit: 5, mature: false).first)
            #expect(after.aid == 1)
            #expect(after.hasDocument)
        }
    }
}

extension ManualClock {
    func advance(to time: Double) { advance(by: max(0, time - now())) }
}

extension FetcherTests {
    @Test("documents nobody asks for are never refreshed, however stale; the first one asked for is", arguments: LedgerBackend.allCases)
    func unaskedNeverRefreshed(backend: LedgerBackend) async throws {
        // Stored 1 000 000 000 (2001): years past the stale period when the clock reads today.
        let store = try TestDatabase.store(documents: [Fixtures.anime(1), Fixtures.anime(22)], fetchedAt: 1_000_000_000)
        let harness = try await FetcherHarness(store: store, backend: backend)
        let fetcher = harness.makeFetcher()
        try await harness.running(fetcher) {
            // A month, a day at a time: the fetcher may do whatever it would, and asks AniDB for nothing.
            for _ in 0..<30 {
                harness.clock.advance(by: 86_400)
                #expect(await harness.runToIdle())
            }
            #expect(harness.upstreamCount == 0)
            guard case .document(_, .stale) = try await fetcher.lookup(aid: 22, mature: true) else {
                Issue.record("a stale document is served at once, marked stale")
                return
            }
            #expect(await harness.settle(requests: 1))
            #expect(harness.fake.animeRequests.map(\.aid) == [22], "only the one asked for")
        }
    }
}

extension FetcherTests {
    @Test(
        "the titles dump: a failed download waits a day, whatever asks; then it comes; a ban on it stops everything; stale, it is fetched again",
        arguments: LedgerBackend.allCases
    )
    func titlesDumpFailures(backend: LedgerBackend) async throws {
        let harness = try await FetcherHarness(backend: backend)
        let gzip = Fixtures.bytes("titles/anime-titles-2015.xml.gz")
        harness.fake.setTitles(gzip)
        let titlesReply = LockedBox<FakeAniDB.Reply?>(.status(500))
        harness.fake.script { $0.path.hasSuffix("anime-titles.xml.gz") ? titlesReply.value : nil }
        let fetcher = harness.makeFetcher()
        let start = harness.clock.now()
        try await harness.running(fetcher) {
            try await fetcher.needTitles()
            #expect(await harness.settle(requests: 1))
            #expect(fetcher.titlesDump() == nil)
            #expect(try await harness.ledger.upstreamState().lastError?.contains("titles dump") == true)
            // Asked for again and again within the day: no second try.
            for _ in 0..<23 {
                harness.clock.advance(by: 3600)
                try await fetcher.needTitles()
                #expect(await harness.runToIdle())
            }
            #expect(harness.upstreamCount == 1, "at most one download a day, even after a failed one")
            titlesReply.value = nil
            harness.clock.advance(to: start + 86_400)
            #expect(await harness.settle(requests: 2))
            #expect(fetcher.titlesDump() == gzip)
            // Eight days on it is stale: needed, fetched again; this time AniDB bans us.
            titlesReply.value = .status(429)
            harness.clock.advance(by: 8 * 86_400)
            let banned = harness.clock.now()
            try await fetcher.needTitles()
            #expect(await harness.settle(requests: 3))
            #expect(try await harness.ledger.upstreamState().bannedUntil == banned + 86_400)
            #expect(fetcher.titlesDump() == gzip, "the dump we had stays")
            // During the ban nothing goes out, neither anime nor titles.
            _ = try await fetcher.lookup(aid: 22, mature: true)
            harness.clock.advance(by: 86_399)
            #expect(await harness.runToIdle())
            #expect(harness.upstreamCount == 3)
            // When the ban ends: the titles dump (its day is up too), then the anime, the interval later.
            titlesReply.value = nil
            harness.clock.advance(by: 1)
            #expect(await harness.settle(requests: 4))
            #expect(harness.fake.requests.last?.path == "/api/anime-titles.xml.gz")
            harness.clock.advance(by: 4)
            #expect(await harness.settle(requests: 5))
            #expect(harness.fake.requests.last?.aid == 22)
        }
    }
}
