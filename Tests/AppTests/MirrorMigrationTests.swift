import AniDBFake
import Foundation
import HTTPTypes
import HummingbirdTesting
import Mirror
import TestMedia
import Testing

@testable import App

/// Moving a one-machine mirror into PostgreSQL, and what a cluster instance says about its database.
@Suite("mirror on PostgreSQL: migrate and secrets")
struct MirrorMigrationTests {
    @Test(
        "mirror migrate --to copies documents, the day's ledger, the queue, the not-found memory and a ban; again copies no request twice; an instance on it keeps budget and ban"
    )
    func migrate() async throws {
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let now = Date().timeIntervalSince1970
        do {
            let database = try AppDatabase.open(path: data + "/anikura.sqlite")
            let store = MirrorStore(writer: database.writer)
            _ = try SeedImporter(store: store).run(directory: TestApp.demoSeed)
            // Today's work on this machine: AniDB had no 5909, then banned us on 6000; 7000 waits in the queue.
            let limits = UpstreamLimits()
            let first = try #require(try await store.beginUpstreamRequest(target: "anime", aid: 5909, now: now - 3000, limits: limits))
            try await store.settle(
                request: first,
                aid: 5909,
                outcome: .notFound,
                detail: nil,
                dequeue: true,
                countsAttempt: true,
                notFoundAt: now - 3000
            ) { _ in }
            let second = try #require(try await store.beginUpstreamRequest(target: "anime", aid: 6000, now: now - 2000, limits: limits))
            try await store.settle(
                request: second,
                aid: 6000,
                outcome: .banned,
                detail: "Banned",
                dequeue: false,
                countsAttempt: false,
                notFoundAt: nil
            ) {
                $0.bannedUntil = now + 80_000
                $0.banReason = "Banned"
            }
            _ = try await store.enqueue(aid: 7000, priority: .missing, now: now - 1000)
        }
        let url = try await TestPostgres.freshDatabase()
        let environment = CrashRecoveryTests.environment(["ANIKURA_STORAGE_DATA_DIR": data])
        let run = try await ChildProcess.run(CommandLineTests.executable.path, ["mirror", "migrate", "--to", url], environment: environment)
        #expect(run.status == 0, "\(run.standardError)")
        #expect(run.text.contains("copied 19 documents, 2 upstream requests, 1 queued aids, 1 not-found answers"), "\(run.text)")
        let again = try await ChildProcess.run(CommandLineTests.executable.path, ["mirror", "migrate", "--to", url], environment: environment)
        #expect(again.status == 0, "\(again.standardError)")
        #expect(again.text.contains("copied 0 documents, 0 upstream requests"), "\(again.text)")
        #expect(try await TestPostgres.psql(url, "SELECT count(*) FROM mirror_document") == "19")
        #expect(try await TestPostgres.psql(url, "SELECT count(*) FROM mirror_upstream_request") == "2")
        #expect(try await TestPostgres.psql(url, "SELECT string_agg(aid::text, ',') FROM mirror_refresh_queue") == "7000")

        // An instance on the shared database: the budget is two requests spent, the ban holds, 5909 is known missing.
        let clock = ManualClock(now: now)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_MIRROR_DATABASE_URL": url]),
            clock: clock
        )
        try await app.test(.live) { client in
            let stats = try await client.execute(uri: "/stats", method: .get).json()
            #expect(stats["api_calls_last_24h"] as? Int == 2)
            #expect(stats["requests_left_24h"] as? Int == 198)
            #expect(stats["banned"] as? Bool == true)
            #expect(stats["banned_until"] as? String == ISOTime.format(now + 80_000))
            #expect(stats["queue_size"] as? Int == 1)
            #expect(try await client.execute(uri: "/anime/5909", method: .get).status == .notFound)
        }
        #expect(fake.requests.isEmpty, "banned: nothing goes to AniDB")
    }

    @Test("mirror import into a cluster copies a seed into PostgreSQL once: a second instance importing it copies nothing")
    func importShares() async throws {
        let url = try await TestPostgres.freshDatabase()
        var outputs: [String] = []
        for _ in 0..<2 {
            let data = TestApp.temporaryDirectory()
            defer { try? FileManager.default.removeItem(atPath: data) }
            let run = try await ChildProcess.run(
                CommandLineTests.executable.path,
                ["mirror", "import", TestApp.demoSeed],
                environment: CrashRecoveryTests.environment(["ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_MIRROR_DATABASE_URL": url])
            )
            #expect(run.status == 0, "\(run.standardError)")
            outputs.append(run.text)
        }
        #expect(outputs[0].contains("imported 19"), "\(outputs[0])")
        #expect(outputs[0].contains("shared in PostgreSQL (postgres://anikura@"), "\(outputs[0])")
        #expect(outputs[0].contains(": 19 documents"), "\(outputs[0])")
        #expect(outputs[1].contains("already in PostgreSQL"), "\(outputs[1])")
        #expect(try await TestPostgres.psql(url, "SELECT count(*) FROM mirror_document") == "19")
    }

    @Test("the password in mirror.database_url never reaches the log, /stats or /metrics; a bad URL is one clear line")
    func secretsStaySecret() async throws {
        let url = try await TestPostgres.freshDatabase()
        let secret = "Secr3t-Pg-Passw0rd"
        // The test cluster trusts local connections: the password is configured, never needed, never shown.
        let withPassword = url.replacingOccurrences(of: "postgres://anikura@", with: "postgres://anikura:\(secret)@")
        let capture = LogCapture()
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_MIRROR_DATABASE_URL": withPassword]),
            logger: capture.logger
        )
        try await app.test(.live) { client in
            let stats = try await client.execute(uri: "/stats", method: .get)
            #expect(stats.status == .ok)
            #expect(!stats.text.contains(secret))
            let metrics = try await client.execute(uri: "/metrics", method: .get)
            #expect(!metrics.text.contains(secret))
            _ = try await client.execute(uri: "/anime/12345", method: .get)
        }
        #expect(capture.text.contains("postgres://anikura:***@"), "the address is logged, blotted out")
        #expect(!capture.text.contains(secret), "the password is never logged")
        // An address that is no PostgreSQL URL stops start-up with one line naming the key, and not the value.
        let bad = try await ChildProcess.run(
            CommandLineTests.executable.path,
            ["serve"],
            environment: CrashRecoveryTests.environment(["ANIKURA_MIRROR_DATABASE_URL": "mysql://root:\(secret)@db/anikura"])
        )
        #expect(bad.status != 0)
        #expect(bad.standardError.contains("mirror.database_url"), "\(bad.standardError)")
        #expect(!bad.standardError.contains(secret))
    }
}
