import Foundation
import GRDB
import Testing

@testable import App

#if canImport(Glibc)
import Glibc
#endif

/// What a full disk or a killed backup leaves behind is cleaned up (issue 30, point 7).
@Suite("storage hygiene")
struct StorageHygieneTests {
    static func size(_ path: String) -> Int {
        (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? -1
    }

    @Test("a write-ahead log that grew is cut back to its limit once a checkpoint resets it")
    func walTruncated() throws {
        let folder = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/anikura.sqlite"
        let database = try AppDatabase.open(path: path)
        try database.writer.write { db in
            try db.execute(sql: "CREATE TABLE filler (bytes BLOB)")
            // 24 MB in one transaction: the log must hold it all until the commit.
            for _ in 0..<24 { try db.execute(sql: "INSERT INTO filler VALUES (zeroblob(1048576))") }
        }
        let grown = Self.size(path + "-wal")
        #expect(grown > 20 << 20, "the log held the transaction: \(grown) bytes")
        try database.writer.write { db in try db.execute(sql: "DELETE FROM filler") }
        // A checkpoint, then a write that starts the log again from its beginning.
        _ = try database.writer.writeWithoutTransaction { try $0.checkpoint(.passive) }
        try database.writer.write { db in try db.execute(sql: "INSERT INTO filler VALUES (x'00')") }
        let after = Self.size(path + "-wal")
        #expect(after <= AppDatabase.walSizeLimit, "log after the checkpoint: \(after) bytes")
    }

    @Test("a backup killed half-way leaves its .partial copy only until the server next starts; a running one's copy stays")
    func stalePartialRemoved() async throws {
        let data = TestApp.temporaryDirectory()
        let elsewhere = TestApp.temporaryDirectory()
        defer {
            try? FileManager.default.removeItem(atPath: data)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        // A process that has ended: its pid names no process now.
        let gone = Process()
        gone.executableURL = URL(fileURLWithPath: "/bin/true")
        try gone.run()
        gone.waitUntilExit()
        let notes = BackupInProgress.folder(data)
        try FileManager.default.createDirectory(atPath: notes, withIntermediateDirectories: true)
        let stale = elsewhere + "/copy.sqlite.partial"
        let running = elsewhere + "/other.sqlite.partial"
        for (pid, partial) in [(gone.processIdentifier, stale), (1, running)] {
            FileManager.default.createFile(atPath: partial, contents: Data(repeating: 7, count: 4096))
            FileManager.default.createFile(atPath: notes + "/\(pid)", contents: Data(partial.utf8))
        }
        _ = try await TestApp.build(environment: ["ANIKURA_STORAGE_DATA_DIR": data])
        #expect(!FileManager.default.fileExists(atPath: stale))
        #expect(!FileManager.default.fileExists(atPath: notes + "/\(gone.processIdentifier)"))
        #expect(FileManager.default.fileExists(atPath: running), "pid 1 is alive: its copy is in progress")
    }
}
