import AsyncHTTPClient
import Foundation
import GRDB
import NIOHTTP1
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// `anikura backup` against a running server, and a restore that serves from the copy.
@Suite("backup and restore")
struct BackupTests {
    @Test("a backup made while the server runs restores into a data folder that serves the same anime and files", .timeLimit(.minutes(3)))
    func backupWhileServing() async throws {
        let data = TestApp.temporaryDirectory()
        let restored = TestApp.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: restored)
        }
        let media = try LibraryAPITests.mediaFolder(files: 30)
        let port = CrashRecoveryTests.freePort()
        let settings = [
            "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_MIRROR_SEED_DIR": TestApp.demoSeed,
            "ANIKURA_LIBRARY_MEDIA_DIRS": media,
        ]
        let http = HTTPClient.shared
        let backup = data + "/../backup-\(UUID().uuidString).sqlite"
        defer { unlink(backup) }
        let (status, made) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: CrashRecoveryTests.environment(settings)
        ) { server -> ChildProcess.Finished in
            let seeded = await CrashRecoveryTests.waitUntil {
                await CrashRecoveryTests.call(http, port, "/stats")?.1["cached_anime"] as? Int == 19
            }
            #expect(seeded)
            _ = await CrashRecoveryTests.call(http, port, "/api/library/scan", method: .POST)
            let scanned = await CrashRecoveryTests.waitUntil {
                (await CrashRecoveryTests.call(http, port, "/api/library")?.1["series"] as? [[String: Any]])?.first?["files"]
                    .map { ($0 as? [Any])?.count == 30 } ?? false
            }
            #expect(scanned)
            // While the server keeps answering (and writing its queue), the backup runs.
            let traffic = Task {
                for aid in 70_000..<70_200 { _ = await CrashRecoveryTests.call(http, port, "/anime/\(aid)") }
            }
            let made = try await ChildProcess.run(
                CommandLineTests.executable.path,
                ["backup", backup],
                environment: CrashRecoveryTests.environment(settings)
            )
            traffic.cancel()
            server.send(SIGTERM)
            return made
        }
        #expect(status == 0)
        #expect(made.status == 0, "\(made.standardError)")
        #expect(made.text.hasPrefix("backed up "))
        // A second backup to the same file needs --force.
        let again = try await ChildProcess.run(
            CommandLineTests.executable.path,
            ["backup", backup],
            environment: CrashRecoveryTests.environment(settings)
        )
        #expect(again.status != 0)
        #expect(again.standardError.contains("--force"))

        // Restore: the copy becomes a new data folder's database; the server serves from it, with no seed.
        try FileManager.default.copyItem(atPath: backup, toPath: restored + "/anikura.sqlite")
        let restoredPort = CrashRecoveryTests.freePort()
        let (_, served) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: CrashRecoveryTests.environment([
                "ANIKURA_SERVER_BIND": "127.0.0.1:\(restoredPort)", "ANIKURA_STORAGE_DATA_DIR": restored,
            ])
        ) { server -> (UInt?, Int?, Int?) in
            _ = await CrashRecoveryTests.waitUntil { await CrashRecoveryTests.call(http, restoredPort, "/health") != nil }
            let anime = await CrashRecoveryTests.call(http, restoredPort, "/api/anime/1")?.0
            let stats = await CrashRecoveryTests.call(http, restoredPort, "/stats")?.1["cached_anime"] as? Int
            let files = (await CrashRecoveryTests.call(http, restoredPort, "/api/library")?.1["series"] as? [[String: Any]])?
                .flatMap { $0["files"] as? [Any] ?? [] }.count
            server.send(SIGTERM)
            return (anime, stats, files)
        }
        #expect(served.0 == 200)
        #expect(served.1 == 19)
        #expect(served.2 == 30)
    }

    @Test("backup refuses, in one line and leaving nothing behind: no database, no such folder, a folder as FILE, the database itself")
    func refusals() async throws {
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let environment = CrashRecoveryTests.environment(["ANIKURA_STORAGE_DATA_DIR": data])
        func backup(_ file: String) async throws -> ChildProcess.Finished {
            try await ChildProcess.run(CommandLineTests.executable.path, ["backup", file], environment: environment)
        }
        let empty = try await backup(data + "/copy.sqlite")
        #expect(empty.status != 0)
        #expect(empty.standardError.contains("nothing to back up"))
        let imported = try await ChildProcess.run(CommandLineTests.executable.path, ["mirror", "import", TestApp.demoSeed], environment: environment)
        #expect(imported.status == 0)
        let cases = [
            (data + "/no/such/folder/copy.sqlite", "there is no folder"),
            (data, "is a folder"),
            (data + "/anikura.sqlite", "FILE is the database itself"),
        ]
        for (file, reason) in cases {
            let refused = try await backup(file)
            #expect(refused.status != 0, "\(file)")
            #expect(refused.standardError.contains(reason), "\(file): \(refused.standardError)")
            #expect(refused.standardError.split(separator: "\n").count == 1)
        }
        let left = try FileManager.default.contentsOfDirectory(atPath: data)
        #expect(!left.contains { $0.hasSuffix(".partial") })
    }
}
