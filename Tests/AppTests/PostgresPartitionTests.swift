import AniDBFake
import AsyncHTTPClient
import Foundation
import TestMedia
import Testing

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
        let databaseURL = try await TestPostgres.freshDatabase()
        let socketFolder = try #require(databaseURL.components(separatedBy: "host=").last)
        let databaseName = try #require(URL(string: databaseURL)?.path).dropFirst()
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let portFile = data + "/relay.port"
        let (_, outcome) = try await ChildProcess.withRunning(
            "/usr/bin/python3",
            [Self.relayScript, portFile, socketFolder + "/.s.PGSQL.5432"]
        ) { relay -> (status: Int32, took: Double) in
            defer { relay.send(SIGTERM) }
            #expect(await CrashRecoveryTests.waitUntil(20) { FileManager.default.fileExists(atPath: portFile) })
            let relayPort = try String(contentsOfFile: portFile, encoding: .utf8)
            let port = CrashRecoveryTests.freePort()
            let settings = [
                "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data,
                "ANIKURA_MIRROR_DATABASE_URL": "postgres://anikura@127.0.0.1:\(relayPort)/\(databaseName)?sslmode=disable",
                "ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "2", "ANIKURA_MIRROR_CLIENT": "anikuratest", "ANIKURA_MIRROR_CLIENTVER": "1",
                "ANIKURA_MIRROR_BASE_URL": "http://127.0.0.1:\(LocalListener.freePort())/httpapi",
                // Far beyond what the test allows: the stop must end by itself, not by the deadline.
                "ANIKURA_SERVER_STOP_TIMEOUT_SECS": "120",
            ]
            let (status, signalledAt) = try await ChildProcess.withRunning(
                CommandLineTests.executable.path,
                ["serve"],
                environment: CrashRecoveryTests.environment(settings)
            ) { server -> Date in
                let fetching = await CrashRecoveryTests.waitUntil {
                    await CrashRecoveryTests.call(HTTPClient.shared, port, "/stats")?.1["cluster_role"] as? String == "fetcher"
                }
                #expect(fetching, "the instance took the fetcher role through the relay")
                relay.send(SIGUSR1)
                // The fetcher's 2 s check now asks a database that never answers.
                try await Task.sleep(for: .seconds(3))
                let now = Date()
                server.send(SIGTERM)
                return now
            }
            return (status, Date().timeIntervalSince(signalledAt))
        }
        print(String(format: "stop with PostgreSQL cut off: %.1f s, exit status %d", outcome.took, outcome.status))
        #expect(outcome.status == 0, "a clean stop, not the deadline's exit")
        #expect(outcome.took < 15, "the stop took \(outcome.took) s")
    }
}
