import ArgumentParser
import Foundation
import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// `anikura backup FILE`: a consistent copy of the database, made while the server runs (SQLite's online backup
/// reads one snapshot; the server keeps reading and writing meanwhile). The copy is written beside FILE and renamed
/// into place, so FILE is always whole.
struct BackupCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Copy the database to FILE, consistently, while the server may be running.",
        discussion: "To restore: stop the server, copy FILE to storage.data_dir/anikura.sqlite (removing any "
            + "anikura.sqlite-wal and anikura.sqlite-shm there), start the server."
    )

    @OptionGroup var options: ConfigOptions
    @Argument(help: "Where to write the copy.") var file: String
    @Flag(help: "Replace FILE if it exists.") var force = false

    func run() throws {
        let summary = try CommandFailure.wrap {
            let configuration = try options.load()
            guard FileManager.default.fileExists(atPath: configuration.databasePath) else {
                throw ValidationError("no database at \(configuration.databasePath) (storage.data_dir): nothing to back up")
            }
            let target = URL(fileURLWithPath: file).standardizedFileURL.path
            guard target != URL(fileURLWithPath: configuration.databasePath).standardizedFileURL.path else {
                throw ValidationError("FILE is the database itself")
            }
            guard force || !FileManager.default.fileExists(atPath: target) else {
                throw ValidationError("\(target) exists (--force replaces it)")
            }
            let started = Date()
            let database = try AppDatabase.open(path: configuration.databasePath)
            let partial = target + ".partial"
            unlink(partial)
            do {
                let copy = try DatabaseQueue(path: partial)
                // One step: the whole copy reads one snapshot, so concurrent writes never restart it.
                try database.writer.backup(to: copy)
                try copy.writeWithoutTransaction { db in
                    // A self-contained file (no -wal beside it), checked before it replaces anything.
                    try db.execute(sql: "PRAGMA journal_mode = DELETE")
                    guard try String.fetchOne(db, sql: "PRAGMA quick_check") == "ok" else {
                        throw ValidationError("the copy failed its integrity check")
                    }
                }
                try copy.close()
                let descriptor = open(partial, O_RDONLY)
                if descriptor >= 0 {
                    fsync(descriptor)
                    close(descriptor)
                }
                guard rename(partial, target) == 0 else {
                    throw ValidationError("cannot move the copy to \(target): \(String(cString: strerror(errno)))")
                }
            } catch {
                unlink(partial)
                throw StorageFailure.explain(error, dataDir: (target as NSString).deletingLastPathComponent)
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            let megabytes = String(format: "%.1f", Double(size) / 1_048_576)
            return "backed up \(megabytes) MiB to \(target) in " + String(format: "%.2f s", Date().timeIntervalSince(started))
        }
        print(summary)
    }
}
