import Foundation
import Library
import Logging
import Mirror
import ServiceLifecycle
import Synchronization

/// Keeps the library current without anyone pressing *Scan now*: inotify on every media folder (`library.watch`),
/// a burst of changes coalesced into one targeted update `library.watch_settle_secs` after the last of them, and a
/// whole scan every `library.rescan_mins` for what inotify cannot see (network mounts) or could not watch (the
/// kernel's limit). Nothing runs while nothing changes: the watcher's thread sleeps in `poll`, this service in
/// `AsyncStream` and `Task.sleep`.
final class LibraryWatchService: Service, Sendable {
    /// What `/api/library/folders` and the settings page show.
    struct Status: Sendable, Codable, Equatable {
        /// `watching`, `limit` (the kernel's watch limit was reached: periodic scans cover the rest), `off`
        /// (`library.watch` is false), `unavailable` (no inotify), `starting`.
        var state: String
        var watchedFolders: Int
        var message: String?
        /// Minutes between whole scans (0: none).
        var rescanMinutes: Double
    }

    let roots: [String]
    let settings: LibraryEventSettings
    let updates: LibraryUpdates
    let scans: LibraryScanService
    let logger: Logger
    private let watcher: FolderWatcher?
    /// Changes not yet handed over, and when the last came.
    private let buffer = ChangeBuffer()
    /// Woken by each batch of changes from the watcher's thread.
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    private let limitFolder = LockedBox<String?>(nil)

    /// Longest a steady stream of changes (a copy that goes on for minutes) may hold back an update.
    static let longestWait: Duration = .seconds(30)
    /// Whole scans when watching hit the kernel's limit and `library.rescan_mins` is off.
    static let fallbackRescanMinutes = 60.0

    init(roots: [String], settings: LibraryEventSettings, updates: LibraryUpdates, scans: LibraryScanService, logger: Logger) {
        self.roots = roots
        self.settings = settings
        self.updates = updates
        self.scans = scans
        self.logger = logger
        let (stream, continuation) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
        wake = stream
        wakeUp = continuation
        let (limitFolder, buffer) = (limitFolder, buffer)
        watcher =
            settings.watch && !roots.isEmpty
            ? FolderWatcher(
                roots: roots,
                report: { changes in
                    buffer.add(changes)
                    continuation.yield()
                },
                limitReached: { folder in
                    limitFolder.withLock { $0 = folder }
                    logger.warning(
                        "library watching: the kernel's inotify watch limit is reached at \(folder); folders from there on are not watched, and a whole scan runs every \(Self.fallbackRescanMinutes) minutes at least. Raise fs.inotify.max_user_watches to watch them all."
                    )
                }
            ) : nil
    }

    var status: Status {
        guard let watcher else {
            return Status(
                state: "off",
                watchedFolders: 0,
                message: roots.isEmpty ? nil : "library.watch is off: new files appear after a scan",
                rescanMinutes: rescanMinutes
            )
        }
        let now = watcher.status
        if let failure = now.failure, failure != "stopped" {
            return Status(state: "unavailable", watchedFolders: 0, message: failure, rescanMinutes: rescanMinutes)
        }
        if now.limitReached {
            let folder = limitFolder.withLock { $0 } ?? "a folder"
            return Status(
                state: "limit",
                watchedFolders: now.folders,
                message:
                    "The kernel's inotify watch limit was reached at \(folder): \(now.folders) folders are watched, the rest are scanned every \(Int(rescanMinutes)) minutes. Raise fs.inotify.max_user_watches (sysctl) to watch them all.",
                rescanMinutes: rescanMinutes
            )
        }
        return Status(state: now.folders == 0 ? "starting" : "watching", watchedFolders: now.folders, message: nil, rescanMinutes: rescanMinutes)
    }

    /// The period of whole scans: the setting, or the fallback while watching is incomplete.
    var rescanMinutes: Double {
        let incomplete = watcher.map { $0.status.limitReached || ($0.status.failure != nil && $0.status.failure != "stopped") } ?? false
        if incomplete, settings.rescanMinutes == 0 || settings.rescanMinutes > Self.fallbackRescanMinutes {
            return Self.fallbackRescanMinutes
        }
        return settings.rescanMinutes
    }

    func run() async throws {
        guard !roots.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        await withTaskGroup(of: Void.self) { group in
            if let watcher {
                group.addTask { await watcher.run() }
                group.addTask { await self.coalesce() }
            }
            group.addTask { await self.rescanPeriodically() }
            try? await gracefulShutdown()
            watcher?.stop()
            wakeUp.finish()
            group.cancelAll()
        }
    }

    /// Gathers changes until none came for the settle time (or changes have kept coming for `longestWait`), then
    /// hands them over as one targeted update.
    private func coalesce() async {
        let settle = Duration.milliseconds(Int(settings.settleSeconds * 1000))
        for await _ in wake {
            let started = ContinuousClock.now
            while !Task.isCancelled {
                let due = buffer.lastChange + settle
                let now = ContinuousClock.now
                if now >= due || now - started >= Self.longestWait { break }
                try? await Task.sleep(for: due - now)
            }
            handOver(buffer.take())
        }
    }

    private func handOver(_ batch: (paths: [String], gone: Set<String>)) {
        guard !batch.paths.isEmpty else { return }
        updates.submit(LibraryUpdates.Request(paths: batch.paths, gone: batch.gone))
    }

    private func rescanPeriodically() async {
        while !Task.isCancelled {
            let minutes = rescanMinutes
            // Off: look again in a minute whether watching fell back (the limit reached later, as folders come).
            let wait = minutes > 0 ? minutes * 60 : 60
            try? await Task.sleep(for: .seconds(wait))
            if Task.isCancelled { return }
            if rescanMinutes > 0, minutes > 0 {
                logger.info("library: periodic scan (every \(minutes) minutes)")
                _ = scans.start()
            }
        }
    }
}

/// The watcher's changes waiting to be handed over (written from the watcher's thread), one entry per path: a copy
/// that goes on for minutes writes the same path thousands of times. The last word on a path counts: deleted, then
/// written again, is there.
final class ChangeBuffer: Sendable {
    private let state = Mutex<(changes: [String: Bool], last: ContinuousClock.Instant)>(([:], .now))

    func add(_ changes: [FolderWatcher.Change]) {
        state.withLock {
            for change in changes { $0.changes[change.path] = change.gone }
            $0.last = .now
        }
    }

    var lastChange: ContinuousClock.Instant { state.withLock { $0.last } }

    /// The paths changed, and those of them that are gone.
    func take() -> (paths: [String], gone: Set<String>) {
        state.withLock { state in
            defer { state.changes = [:] }
            return (Array(state.changes.keys), Set(state.changes.filter(\.value).keys))
        }
    }
}
