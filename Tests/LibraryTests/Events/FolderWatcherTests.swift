import Foundation
import Synchronization
import Testing

@testable import Library

/// The inotify watcher on real folders: what it reports for files and folders coming and going, and that folders
/// made or moved in are watched too.
@Suite("folder watcher (inotify)")
struct FolderWatcherTests {
    final class Seen: Sendable {
        let changes = Mutex<[FolderWatcher.Change]>([])
        func add(_ new: [FolderWatcher.Change]) { changes.withLock { $0 += new } }
        func take() -> [FolderWatcher.Change] {
            changes.withLock { changes in
                defer { changes = [] }
                return changes
            }
        }

        /// Waits until a change for `path` (with `gone`) has been seen.
        func wait(for path: String, gone: Bool, seconds: Double = 30) async throws {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if changes.withLock({ $0.contains(FolderWatcher.Change(path: path, gone: gone)) }) { return }
                try await Task.sleep(for: .milliseconds(10))
            }
            Issue.record("no change \(gone ? "(gone) " : "")for \(path); saw \(changes.withLock { $0 })")
        }
    }

    func start(_ root: String) async throws -> (FolderWatcher, Seen, Task<Void, Never>) {
        let seen = Seen()
        let watcher = FolderWatcher(roots: [root], report: { seen.add($0) })
        let task = Task { await watcher.run() }
        for _ in 0..<3000 where watcher.status.folders == 0 { try await Task.sleep(for: .milliseconds(10)) }
        return (watcher, seen, task)
    }

    @Test("files written, renamed and deleted; folders made, moved in and out are reported and watched")
    func reports() async throws {
        let root = NSTemporaryDirectory() + "anikura-watch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/Show/Season 1", withIntermediateDirectories: true)
        let (watcher, seen, task) = try await start(root)
        #expect(watcher.status.folders == 3)

        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/Show/Season 1/a.mkv"))
        try await seen.wait(for: root + "/Show/Season 1/a.mkv", gone: false)
        try FileManager.default.moveItem(atPath: root + "/Show/Season 1/a.mkv", toPath: root + "/Show/Season 1/b.mkv")
        try await seen.wait(for: root + "/Show/Season 1/a.mkv", gone: true)
        try await seen.wait(for: root + "/Show/Season 1/b.mkv", gone: false)
        try FileManager.default.removeItem(atPath: root + "/Show/Season 1/b.mkv")
        try await seen.wait(for: root + "/Show/Season 1/b.mkv", gone: true)

        // A new folder is watched at once: a file written into it right after is seen.
        try FileManager.default.createDirectory(atPath: root + "/New/Sub", withIntermediateDirectories: true)
        try await seen.wait(for: root + "/New", gone: false)
        for _ in 0..<3000 where watcher.status.folders < 5 { try await Task.sleep(for: .milliseconds(10)) }
        try Data("y".utf8).write(to: URL(fileURLWithPath: root + "/New/Sub/c.mkv"))
        try await seen.wait(for: root + "/New/Sub/c.mkv", gone: false)

        // A folder moved in from outside, with folders inside: watched, and a change deep inside is seen.
        let outside = NSTemporaryDirectory() + "anikura-outside-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: outside + "/Deep/Er", withIntermediateDirectories: true)
        try FileManager.default.moveItem(atPath: outside, toPath: root + "/Moved")
        try await seen.wait(for: root + "/Moved", gone: false)
        for _ in 0..<3000 where watcher.status.folders < 8 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(watcher.status.folders == 8)
        try Data("z".utf8).write(to: URL(fileURLWithPath: root + "/Moved/Deep/Er/d.mkv"))
        try await seen.wait(for: root + "/Moved/Deep/Er/d.mkv", gone: false)

        // Moved out: gone, and its folders are no longer watched.
        try FileManager.default.moveItem(atPath: root + "/Moved", toPath: outside)
        try await seen.wait(for: root + "/Moved", gone: true)
        for _ in 0..<3000 where watcher.status.folders > 5 { try await Task.sleep(for: .milliseconds(10)) }
        #expect(watcher.status.folders == 5)
        _ = seen.take()
        try Data("w".utf8).write(to: URL(fileURLWithPath: outside + "/Deep/Er/e.mkv"))
        // A change inside the library after it: once that is seen, one from the moved-out folder would have been too
        // (one inotify queue keeps its order).
        try Data("v".utf8).write(to: URL(fileURLWithPath: root + "/New/Sub/marker.mkv"))
        try await seen.wait(for: root + "/New/Sub/marker.mkv", gone: false)
        #expect(!seen.take().contains { $0.path.hasPrefix(outside) || $0.path.contains("/Moved/") }, "a folder moved out is not watched any more")

        watcher.stop()
        await task.value
    }

    @Test("nothing reported while nothing changes; stop ends the reader")
    func quiet() async throws {
        let root = NSTemporaryDirectory() + "anikura-watch-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        let (watcher, seen, task) = try await start(root)
        // The first change made is the first one reported: nothing came before it while nothing changed.
        try Data("v".utf8).write(to: URL(fileURLWithPath: root + "/marker.mkv"))
        try await seen.wait(for: root + "/marker.mkv", gone: false)
        #expect(seen.take().allSatisfy { $0.path == root + "/marker.mkv" })
        watcher.stop()
        await task.value
        #expect(watcher.status.failure == nil)
    }
}
