import AsyncHTTPClient
import Foundation
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A graceful stop ends within `server.stop_timeout_secs` whatever the shared database does (issue 30, point 5):
/// the real `anikura serve` on a PostgreSQL address that refuses connections, or that accepts them and never
/// answers (half-open), stopped with SIGTERM.
@Suite("stopping whatever PostgreSQL does")
struct StopDeadlineTests {
    @Test(
        "SIGTERM ends the process within the stop deadline with PostgreSQL refused or half-open",
        .timeLimit(.minutes(3)),
        arguments: ["refused", "half-open"]
    )
    func stopsInTime(database: String) async throws {
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        // Half-open: the kernel completes the handshake and nothing ever answers. Refused: nothing listens.
        let listener = database == "half-open" ? LocalListener() : nil
        defer { listener?.close() }
        let databasePort = listener?.port ?? LocalListener.freePort()
        let port = CrashRecoveryTests.freePort()
        let settings = [
            "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data,
            "ANIKURA_MIRROR_DATABASE_URL": "postgres://anikura@127.0.0.1:\(databasePort)/anikura",
            "ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "2", "ANIKURA_MIRROR_CLIENT": "anikuratest", "ANIKURA_MIRROR_CLIENTVER": "1",
            "ANIKURA_MIRROR_BASE_URL": "http://127.0.0.1:\(LocalListener.freePort())/httpapi", "ANIKURA_SERVER_STOP_TIMEOUT_SECS": "3",
        ]
        let (status, signalledAt) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: CrashRecoveryTests.environment(settings)
        ) { server -> Date in
            let up = await CrashRecoveryTests.waitUntil { await CrashRecoveryTests.call(HTTPClient.shared, port, "/health")?.0 == 200 }
            #expect(up)
            // Let the fetcher and the replica reach for the database first.
            _ = await CrashRecoveryTests.call(HTTPClient.shared, port, "/anime/1")
            try await Task.sleep(for: .seconds(2))
            let now = Date()
            server.send(SIGTERM)
            return now
        }
        let took = Date().timeIntervalSince(signalledAt)
        print(String(format: "stop with PostgreSQL %@: %.1f s, exit status %d", database, took, status))
        // The deadline is 3 s; the rest is the margin of a loaded machine.
        #expect(took < 10, "still running \(took) s after SIGTERM")
        #expect(status == 0 || status == 1)
    }
}
