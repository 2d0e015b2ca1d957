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
            var isFolder: ObjCBool = false
            if FileManager.default.fileExists(atPath: target, isDirectory: &isFolder) {
                guard !isFolder.boolValue else { throw ValidationError("\(target) is a folder: name the file to write") }
                guard force else { throw ValidationError("\(target) exists (--force replaces it)") }
            }
            let folder = (target as NSString).deletingLastPathComponent
            guard FileManager.default.fileExists(atPath: folder, isDirectory: &isFolder), isFolder.boolValue else {
                throw ValidationError("cannot write \(target): there is no folder \(folder)")
            }
            guard access(folder, W_OK) == 0 else {
                throw ValidationError("cannot write \(target): the folder \(folder) is not writable")
            }
            let started = Date()
            let database = try AppDatabase.open(path: configuration.databasePath)
            let partial = target + ".partial"
            unlink(partial)
            BackupInProgress.sweep(dataDir: configuration.dataDir)
            BackupInProgress.begin(dataDir: configuration.dataDir, partial: partial)
            defer { BackupInProgress.end(dataDir: configuration.dataDir) }
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
            } catch let error as ValidationError {
                unlink(partial)
                throw error
            } catch {
                unlink(partial)
                // The copy's folder, not the data folder: say which one is full or refused the write.
                if let error = error as? DatabaseError, error.resultCode == .SQLITE_FULL {
                    throw ValidationError("disk full: no room for the copy in \(folder)")
                }
                throw ValidationError("cannot write \(target): \(error)")
            }
            let size = (try? FileManager.default.attributesOfItem(atPath: target)[.size] as? Int) ?? 0
            let megabytes = String(format: "%.1f", Double(size) / 1_048_576)
            return "backed up \(megabytes) MiB to \(target) in " + String(format: "%.2f s", Date().timeIntervalSince(started))
        }
        print(summary)
    }
}
