import AniDBFake
import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import NIOPosix
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Three real `anikura serve` processes on one PostgreSQL database and one fake AniDB that bans any request
/// sooner than the interval after the last, or for an aid it was asked for within 24 hours: they must spend one
/// budget as one client, and serve every client whichever instance it asked.
@Suite("mirror cluster on PostgreSQL")
struct ClusterTests {
    /// AniDB's document for anime 1, renumbered: as many distinct, valid documents as a test needs.
    static func document(aid: Int) -> [UInt8] {
        let text = String(decoding: TestApp.file("1.xml"), as: UTF8.self)
        return Array(text.replacingOccurrences(of: #"<anime id="1" "#, with: #"<anime id="\#(aid)" "#).utf8)
    }

    /// Runs `body` while one `anikura serve` runs per environment; each gets SIGTERM when `body` ends.
    static func withServers(
        _ environments: [[String: String]],
        _ body: @escaping @Sendable ([ChildProcess.Running]) async throws -> Void
    ) async throws {
        @Sendable func start(_ index: Int, _ running: [ChildProcess.Running]) async throws {
            guard index < environments.count else { return try await body(running) }
            _ = try await ChildProcess.withRunning(
                CommandLineTests.executable.path,
                ["serve"],
                environment: CrashRecoveryTests.environment(environments[index])
            ) { server in
                defer { server.send(SIGTERM) }
                try await start(index + 1, running + [server])
            }
        }
        try await start(0, [])
    }

    /// Asks `port` for `aid` the way a patient client does (Kometa's API with `?wait=`, again after each 202's
    /// Retry-After) until it has the document, or until a 202 says it is held up by `giveUpOn`.
    static func fetch(_ http: HTTPClient, port: Int, aid: Int, giveUpOn: String? = nil) async throws -> (UInt, [UInt8], String) {
        let deadline = Date().addingTimeInterval(240)
        while Date() < deadline {
            let request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/anime/\(aid)?wait=60")
            let response = try await http.execute(request, timeout: .seconds(90))
            let body = Array(try await response.body.collect(upTo: 1 << 22).readableBytesView)
            if response.status == .ok { return (200, body, "") }
            let json = (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:]
            let holdUp = json["held_up_by"] as? String ?? ""
            if response.status != .accepted { return (response.status.code, body, holdUp) }
            // A ban would hold every client for a day: the test has failed, say so now.
            if holdUp.contains("banned") || giveUpOn.map(holdUp.contains) == true { return (202, body, holdUp) }
            let retry = Double(response.headers["Retry-After"].first ?? "") ?? 2
            try await Task.sleep(for: .seconds(min(max(retry, 1), 10)))
        }
        return (0, [], "no answer in time")
    }

    @Test(
        "three instances, one budget: 300 clients, 30 missing aids, each fetched once at AniDB's pace; kill -9 the fetcher and another takes over",
        .timeLimit(.minutes(8))
    )
    func threeInstancesOneBudget() async throws {
        let databaseURL = try await TestPostgres.freshDatabase()
        let loop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let fake = try await FakeAniDB.start(group: loop)
        defer {
            Task {
                try? await fake.stop()
                try? await loop.shutdownGracefully()
            }
        }
        fake.enforcePacing(minInterval: 4)
        let first = Array(60_001...60_030)
        let later = Array(60_031...60_035)
        for aid in first + later { fake.add(aid: aid, document: Self.document(aid: aid)) }
        let ports = (0..<3).map { _ in LocalListener.freePort() }
        let folders = (0..<3).map { _ in TestApp.temporaryDirectory() }
        defer { for folder in folders { try? FileManager.default.removeItem(atPath: folder) } }
        let environments = (0..<3).map { index in
            [
                "ANIKURA_SERVER_BIND": "127.0.0.1:\(ports[index])", "ANIKURA_STORAGE_DATA_DIR": folders[index],
                "ANIKURA_MIRROR_SEED_DIR": TestApp.demoSeed, "ANIKURA_MIRROR_DATABASE_URL": databaseURL,
                "ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "120",
                "ANIKURA_MIRROR_CLIENT": "anikuratest", "ANIKURA_MIRROR_CLIENTVER": "1",
                "ANIKURA_MIRROR_BASE_URL": fake.baseURL, "ANIKURA_MIRROR_TITLES_URL": fake.titlesURL,
                // 30 + 3: the last two asked for after the kill find the budget spent.
                "ANIKURA_MIRROR_DAILY_LIMIT": "33",
            ]
        }
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 400
        // Clients of their own loop: 300 of them must not slow the loops the other tests' servers answer on.
        let clientLoop = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { Task { try? await clientLoop.shutdownGracefully() } }
        let http = HTTPClient(eventLoopGroupProvider: .shared(clientLoop), configuration: configuration)
        var failure: (any Error)?
        do {
            try await Self.withServers(environments) { servers in try await Self.exercise(servers, ports, fake, http, first, later) }
        } catch { failure = error }
        try await http.shutdown()
        if let failure { throw failure }
        // Asked once each, never too soon: the fake would have banned anything else.
        let asked = fake.animeRequests.compactMap(\.aid)
        fake.expectNoBan()
        #expect(asked.count == 33, "\(asked)")
        #expect(Set(asked).count == asked.count, "an aid asked twice: \(asked)")
        let times = fake.animeRequests.map(\.arrivedAt)
        let gaps = zip(times.dropFirst(), times).map { $0 - $1 }
        print("cluster: \(asked.count) AniDB requests, smallest gap \(String(format: "%.3f", gaps.min() ?? 0)) s")
        #expect(gaps.allSatisfy { $0 >= 3.95 }, "\(gaps)")
        // The seed was shared once, by whichever instance came first.
        #expect(try await TestPostgres.psql(databaseURL, "SELECT count(*) FROM mirror_seed_import") == "1")
    }

    static func exercise(
        _ servers: [ChildProcess.Running],
        _ ports: [Int],
        _ fake: FakeAniDB,
        _ http: HTTPClient,
        _ first: [Int],
        _ later: [Int]
    ) async throws {
        for port in ports {
            let seeded = await CrashRecoveryTests.waitUntil(90) {
                await CrashRecoveryTests.call(http, port, "/stats")?.1["cached_anime"] as? Int == 19
            }
            #expect(seeded, "instance on \(port) serves its seed")
        }
        // 300 clients, ten per aid, spread over the three instances.
        let answers = try await withThrowingTaskGroup(of: (Int, Int, UInt, [UInt8], Double).self) { group in
            for client in 0..<300 {
                let aid = first[client % first.count]
                let port = ports[client % ports.count]
                group.addTask {
                    // They come within three seconds, as clients do, not in one instant.
                    try await Task.sleep(for: .milliseconds(client * 10))
                    let (status, body, _) = try await Self.fetch(http, port: port, aid: aid)
                    return (aid, port, status, body, Date().timeIntervalSince1970)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        fake.expectNoBan()
        let wrong = answers.filter { $0.2 != 200 || $0.3 != Self.document(aid: $0.0) }
        #expect(answers.count == 300)
        #expect(wrong.isEmpty, "\(wrong.count) clients without their document, e.g. \(wrong.first.map { "aid \($0.0) on \($0.1): \($0.2)" } ?? "")")
        #expect(Set(fake.animeRequests.compactMap(\.aid)) == Set(first))

        // The instance that fetches dies without a word; one of the others takes over.
        let fetchers = servers.indices.filter { servers[$0].standardError.contains("this instance now fetches") }
        #expect(fetchers.count == 1, "\(fetchers)")
        let dead = try #require(fetchers.first)
        // How soon a client waiting on another instance had a document after AniDB answered the fetching one.
        let arrivals = Dictionary(fake.animeRequests.compactMap { r in r.aid.map { ($0, r.arrivedAt) } }) { first, _ in first }
        let delays = first.compactMap { aid -> Double? in
            let elsewhere = answers.filter { $0.0 == aid && $0.1 != ports[dead] }.map(\.4)
            return elsewhere.min().flatMap { answered in arrivals[aid].map { answered - $0 } }
        }.sorted()
        if let last = delays.last {
            print(
                "cluster: a waiting client on another instance has the document "
                    + String(format: "%.3f s (median), %.3f s (max)", delays[delays.count / 2], last)
                    + " after AniDB's answer reached the fetching one"
            )
        }
        let killedAt = Date().timeIntervalSince1970
        servers[dead].send(SIGKILL)
        let survivors = ports.indices.filter { $0 != dead }
        let results = try await withThrowingTaskGroup(of: (Int, UInt, String).self) { group in
            for (index, aid) in later.enumerated() {
                let port = ports[survivors[index % survivors.count]]
                group.addTask {
                    let (status, _, holdUp) = try await Self.fetch(http, port: port, aid: aid, giveUpOn: "daily budget")
                    return (aid, status, holdUp)
                }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(results.count { $0.1 == 200 } == 3, "\(results)")
        #expect(results.count { $0.1 == 202 && $0.2.contains("daily budget") } == 2, "\(results)")
        if let next = fake.animeRequests.first(where: { later.contains($0.aid ?? 0) })?.arrivedAt {
            print("cluster: after the kill, the next AniDB request went out \(String(format: "%.1f", next - killedAt)) s later")
        }
        let takenOver = survivors.filter { servers[$0].standardError.contains("this instance now fetches") }
        #expect(takenOver.count == 1, "one survivor took over")
        var roles: [String] = []
        for index in survivors {
            roles.append(await CrashRecoveryTests.call(http, ports[index], "/stats")?.1["cluster_role"] as? String ?? "")
        }
        #expect(roles.sorted() == ["fetcher", "standby"], "/stats tells each survivor's role: \(roles)")
        // Nothing is lost: every document fetched before the kill is served by both survivors.
        for index in survivors {
            for aid in first {
                let (status, body, _) = try await Self.fetch(http, port: ports[index], aid: aid)
                #expect(status == 200 && body == Self.document(aid: aid), "aid \(aid) on instance \(index)")
            }
        }
    }
}
