import AniDBFake
import AsyncHTTPClient
import Foundation
import Logging
import Mirror
import MirrorPostgres
import PostgresNIO
import TestMedia
import Testing

@testable import App

#if canImport(Glibc)
import Glibc
#endif

/// The instance that fetches for a cluster, cut off from PostgreSQL while connected (a partition: the connection
/// stays open and nothing answers), stops promptly and cleanly on SIGTERM (issue 30, point 5). Before, a query on
/// the fetcher's connection never returned and held the stop for good.
@Suite("PostgreSQL cut off while connected")
struct PostgresPartitionTests {
    static var relayScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Cluster/frozen_relay.py").path
    }

    @Test("SIGTERM ends the fetching instance cleanly within seconds after PostgreSQL goes silent", .timeLimit(.minutes(3)))
    func stopWhilePartitioned() async throws {
        let outcome = try await Self.withRelay { relay, databaseURL, data -> (status: Int32, took: Double, log: String) in
            let port = CrashRecoveryTests.freePort()
            let settings = [
                "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data,
                "ANIKURA_MIRROR_DATABASE_URL": databaseURL,
                "ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "2", "ANIKURA_MIRROR_CLIENT": "anikuratest", "ANIKURA_MIRROR_CLIENTVER": "1",
                "ANIKURA_MIRROR_BASE_URL": "http://127.0.0.1:\(LocalListener.freePort())/httpapi",
                // Far beyond what the test allows: the stop must end by itself, not by the deadline.
                "ANIKURA_SERVER_STOP_TIMEOUT_SECS": "120",
            ]
            let (status, (signalledAt, log)) = try await ChildProcess.withRunning(
                CommandLineTests.executable.path,
                ["serve"],
                environment: CrashRecoveryTests.environment(settings)
            ) { server -> (Date, String) in
                let fetching = await CrashRecoveryTests.waitUntil {
                    await CrashRecoveryTests.call(HTTPClient.shared, port, "/stats")?.1["cluster_role"] as? String == "fetcher"
                }
                #expect(fetching, "the instance took the fetcher role through the relay")
                relay.send(SIGUSR1)
                // The fetcher's 2 s check now asks a database that never answers.
                try await Task.sleep(for: .seconds(3))
                let now = Date()
                server.send(SIGTERM)
                // The server's log, for a failure to show where the stop waited: read once it has ended, or after
                // the test's own bound.
                _ = await CrashRecoveryTests.waitUntil(15) { !server.isRunning }
                return (now, server.standardError)
            }
            return (status, Date().timeIntervalSince(signalledAt), log)
        }
        print(String(format: "stop with PostgreSQL cut off: %.1f s, exit status %d", outcome.took, outcome.status))
        #expect(outcome.status == 0, "a clean stop, not the deadline's exit")
        #expect(outcome.took < 15, "the stop took \(outcome.took) s; the server's log:\n\(outcome.log.suffix(6000))")
    }

    /// Each step of the fetcher's own work, sent to a database that has gone silent, ends as soon as its task is
    /// cancelled. Which step a stop lands in is chance: the test above once caught the fetcher asking for the next
    /// aid, a query that was not bounded, and the stop waited for the whole stop timeout. Here every step is caught.
    @Test("every step of the fetcher's work ends at once when cancelled while PostgreSQL is silent", .timeLimit(.minutes(3)))
    func stepsEndWhenCancelled() async throws {
        let stuck = try await Self.withRelay { relay, databaseURL, data -> [String] in
            let portFile = data + "/relay.port"
            let address = try PostgresAddress(url: databaseURL)
            let quiet = Logger(label: "postgres") { _ in SwiftLogNoOpLogHandler() }
            let client = PostgresClient(configuration: address.configuration, backgroundLogger: quiet)
            let running = Task { await client.run() }
            defer { running.cancel() }
            let store = MirrorStore(writer: try AppDatabase.open(path: nil).writer)
            // Patient far beyond the test's bound: only answering cancellation can end a step in time.
            let ledger = PostgresLedger(client: client, local: store, instance: "test", logger: quiet, answerWithin: 600)
            let now = Date().timeIntervalSince1970
            // While the database answers: the tables, and a request begun for the steps that settle one.
            let request = try #require(try await ledger.beginUpstreamRequest(target: "anime", aid: 1, now: now, limits: UpstreamLimits()))
            let document = try StoredDocument.validate(TestApp.file("1.xml"), expectedAID: 1, fileTime: now, parser: AnimeDocumentParser())
            relay.send(SIGUSR1)
            let steps: [(String, @Sendable () async throws -> Void)] = [
                ("next queued", { _ = try await ledger.nextQueued(now: now, includeLibrary: true) }),
                ("begin a request", { _ = try await ledger.beginUpstreamRequest(target: "anime", aid: 2, now: now, limits: UpstreamLimits()) }),
                ("request answered", { try await ledger.requestAnswered(request, at: now) }),
                ("store fetched", { try await ledger.storeFetched(document, request: request, now: now) { _ in } }),
                (
                    "settle",
                    {
                        try await ledger.settle(
                            request: request,
                            aid: 1,
                            outcome: .transient,
                            detail: nil,
                            dequeue: false,
                            countsAttempt: true,
                            notFoundAt: nil
                        ) { _ in }
                    }
                ),
                ("settle titles", { try await ledger.settleTitles(request: request, outcome: .ok, detail: nil, now: now, banPause: 60) }),
                ("upstream state", { try await ledger.updateUpstreamState { $0.titlesWanted = true } }),
                ("share titles", { try await ledger.shareTitlesDump([1, 2, 3], fetchedAt: now) }),
                ("share a mapping file", { try await ledger.shareMappingFile("x.xml", bytes: [1], etag: nil, lastModified: nil, fetchedAt: now) }),
                ("share a correction", { try await ledger.shareMappingCorrection(aid: 1, correction: nil, changedAt: now) }),
            ]
            var stuck: [String] = []
            for (name, step) in steps {
                let heldBefore = Self.heldCount(portFile)
                let finished = LockedBox(false)
                let task = Task {
                    _ = try? await step()
                    finished.withLock { $0 = true }
                }
                // Cancelled only once the relay holds what the step sent: its query is with the silent database.
                #expect(await CrashRecoveryTests.waitUntil(20) { Self.heldCount(portFile) > heldBefore }, "\(name) reached the database")
                task.cancel()
                if !(await CrashRecoveryTests.waitUntil(5) { finished.withLock { $0 } }) { stuck.append(name) }
            }
            return stuck
        }
        #expect(stuck.isEmpty, "still waiting after cancellation: \(stuck)")
    }

    /// Runs `body` with a relay (`frozen_relay.py`) to a fresh database: the relay's process (SIGUSR1 freezes it),
    /// the database's URL through the relay, and a data folder for the test, which holds `relay.port`.
    static func withRelay<T: Sendable>(
        _ body: @escaping @Sendable (ChildProcess.Running, String, String) async throws -> T
    ) async throws -> T {
        let databaseURL = try await TestPostgres.freshDatabase()
        let socketFolder = try #require(databaseURL.components(separatedBy: "host=").last)
        let databaseName = try #require(URL(string: databaseURL)?.path).dropFirst()
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let portFile = data + "/relay.port"
        let (_, result) = try await ChildProcess.withRunning("/usr/bin/python3", [relayScript, portFile, socketFolder + "/.s.PGSQL.5432"]) {
            relay -> T in
            defer { relay.send(SIGTERM) }
            #expect(await CrashRecoveryTests.waitUntil(20) { FileManager.default.fileExists(atPath: portFile) })
            let relayPort = try String(contentsOfFile: portFile, encoding: .utf8)
            return try await body(relay, "postgres://anikura@127.0.0.1:\(relayPort)/\(databaseName)?sslmode=disable", data)
        }
        return result
    }

    static func heldCount(_ portFile: String) -> Int {
        ((try? String(contentsOfFile: portFile + ".held", encoding: .utf8)) ?? "").split(separator: "\n").count
    }
}
