import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Where a running `anikura backup` writes its `.partial` copy, noted in the data folder
/// (`backups-in-progress/PID`), so that a copy left by a backup that was killed is removed when the server or the
/// next backup starts, wherever FILE was.
enum BackupInProgress {
    static func folder(_ dataDir: String) -> String { (dataDir as NSString).appendingPathComponent("backups-in-progress") }

    /// Notes `partial` as this process's copy in progress.
    static func begin(dataDir: String, partial: String) {
        let folder = folder(dataDir)
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let note = (folder as NSString).appendingPathComponent(String(getpid()))
        FileManager.default.createFile(atPath: note, contents: Data(partial.utf8))
    }

    static func end(dataDir: String) {
        unlink((folder(dataDir) as NSString).appendingPathComponent(String(getpid())))
    }

    /// Removes the copies of backups whose process is gone; returns their paths.
    @discardableResult
    static func sweep(dataDir: String) -> [String] {
        let folder = folder(dataDir)
        var removed: [String] = []
        for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
            guard let pid = Int32(name), pid != getpid() else { continue }
            // Still running (or not ours to signal, which also means it exists).
            if kill(pid, 0) == 0 || errno == EPERM { continue }
            let note = (folder as NSString).appendingPathComponent(name)
            if let partial = FileManager.default.contents(atPath: note).map({ String(decoding: $0, as: UTF8.self) }),
                partial.hasSuffix(".partial"), unlink(partial) == 0
            {
                removed.append(partial)
            }
            unlink(note)
        }
        return removed
    }
}
