import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Watches media folders, and every folder inside them, with inotify, and reports what changed in them: a file
/// written, moved in or out, deleted; a folder made, moved in or out (its new folders are watched at once). It
/// reads on a thread of its own, blocked in `poll` while nothing happens (no CPU), and reports batches as the
/// kernel hands them over; the caller coalesces them.
///
/// When the kernel's watch limit (`fs.inotify.max_user_watches`) is reached it stops adding watches, keeps those
/// it has, and says so in `status` (the caller falls back to periodic scans for the rest).
public final class FolderWatcher: Sendable {
    /// A path where something changed. `gone`: it was deleted or moved away (not merely out of reach).
    public struct Change: Sendable, Equatable {
        public var path: String
        public var gone: Bool
    }

    public struct Status: Sendable, Equatable {
        /// Folders with a watch now.
        public var folders: Int
        /// Set once the kernel refused a watch for lack of room: folders from then on are not watched.
        public var limitReached: Bool
        /// Why watching does not work at all (no inotify), nil while it does.
        public var failure: String?
    }

    let roots: [String]
    private let report: @Sendable ([Change]) -> Void
    private let limitReached: @Sendable (_ folder: String) -> Void
    private let state = Mutex(Status(folders: 0, limitReached: false, failure: nil))
    /// Written once when started: the inotify descriptor and the pipe that wakes the reader to stop.
    private let descriptors = Mutex<(inotify: Int32, wakeRead: Int32, wakeWrite: Int32)?>(nil)
    private let finished = Mutex<CheckedContinuation<Void, Never>?>(nil)

    private static let mask: UInt32 = UInt32(
        IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE_SELF | IN_MOVE_SELF | IN_MODIFY
            | IN_ONLYDIR | IN_EXCL_UNLINK
    )

    /// `report` gets each batch of changes; `limitReached` is called once, with the first folder left unwatched.
    public init(
        roots: [String],
        report: @escaping @Sendable ([Change]) -> Void,
        limitReached: @escaping @Sendable (_ folder: String) -> Void = { _ in }
    ) {
        self.roots = roots.map { $0.count > 1 && $0.hasSuffix("/") ? String($0.dropLast()) : $0 }
        self.report = report
        self.limitReached = limitReached
    }

    public var status: Status { state.withLock { $0 } }

    /// Watches until `stop()`. Returns once the reader thread has ended.
    public func run() async {
        await withCheckedContinuation { continuation in
            finished.withLock { $0 = continuation }
            let thread = Thread { [self] in
                self.read()
                self.finished.withLock { $0?.resume() }
            }
            thread.name = "anikura-folder-watcher"
            thread.start()
        }
    }

    /// Ends `run()`: wakes the reader, which closes its descriptors.
    public func stop() {
        // Under the descriptors' lock: the reader either has not started (and sees "stopped" when it does) or has
        // its descriptors set (and is woken).
        let fds = descriptors.withLock { fds in
            if fds == nil { state.withLock { $0.failure = $0.failure ?? "stopped" } }
            return fds
        }
        guard let fds else { return }
        var byte: UInt8 = 1
        _ = write(fds.wakeWrite, &byte, 1)
    }

    // MARK: - The reader thread

    /// Watch descriptors and the folders they watch; only the reader thread touches these.
    private final class Watches {
        var byDescriptor: [Int32: String] = [:]
        var byPath: [String: Int32] = [:]
    }

    private func read() {
        let inotify = inotify_init1(Int32(IN_CLOEXEC))
        var pipeEnds: [Int32] = [0, 0]
        guard inotify >= 0, pipe(&pipeEnds) == 0 else {
            let reason = "inotify is not available: " + String(cString: strerror(errno))
            state.withLock { $0.failure = reason }
            if inotify >= 0 { close(inotify) }
            return
        }
        // Not handed to ffmpeg and the other programs the server starts.
        for end in pipeEnds { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
        let stopping = descriptors.withLock { fds -> Bool in
            fds = (inotify, pipeEnds[0], pipeEnds[1])
            return state.withLock { $0.failure == "stopped" }
        }
        defer {
            descriptors.withLock { $0 = nil }
            close(inotify)
            close(pipeEnds[0])
            close(pipeEnds[1])
        }
        if stopping { return }
        let watches = Watches()
        for root in roots { _ = addTree(root, inotify: inotify, watches: watches) }
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            var fds = [pollfd(fd: inotify, events: Int16(POLLIN), revents: 0), pollfd(fd: pipeEnds[0], events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, -1)
            if ready < 0 {
                if errno == EINTR { continue }
                state.withLock { $0.failure = "watching stopped: " + String(cString: strerror(errno)) }
                return
            }
            if fds[1].revents != 0 { return }
            guard fds[0].revents & Int16(POLLIN) != 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(inotify, $0.baseAddress, $0.count) }
            guard count > 0 else { continue }
            let changes = buffer.withUnsafeBytes { raw in handle(raw.prefix(count), inotify: inotify, watches: watches) }
            state.withLock { $0.folders = watches.byDescriptor.count }
            if !changes.isEmpty { report(changes) }
        }
    }

    /// Turns one read's events into changes, adding and removing watches as folders come and go.
    private func handle(_ bytes: UnsafeRawBufferPointer.SubSequence, inotify: Int32, watches: Watches) -> [Change] {
        var changes: [Change] = []
        let header = MemoryLayout<inotify_event>.size
        let base = UnsafeRawBufferPointer(rebasing: bytes)
        var position = 0
        while position + header <= base.count {
            let descriptor = base.loadUnaligned(fromByteOffset: position, as: Int32.self)
            let mask = base.loadUnaligned(fromByteOffset: position + 4, as: UInt32.self)
            let length = Int(base.loadUnaligned(fromByteOffset: position + 12, as: UInt32.self))
            let nameBytes = base[(position + header)..<min(base.count, position + header + length)].prefix { $0 != 0 }
            position += header + length
            let name = String(decoding: nameBytes, as: UTF8.self)
            if mask & UInt32(IN_Q_OVERFLOW) != 0 {
                // Events were lost: everything may have changed.
                changes += roots.map { Change(path: $0, gone: false) }
                continue
            }
            guard let folder = watches.byDescriptor[descriptor] else { continue }
            if mask & UInt32(IN_IGNORED) != 0 {
                watches.byDescriptor[descriptor] = nil
                if watches.byPath[folder] == descriptor { watches.byPath[folder] = nil }
                continue
            }
            if mask & UInt32(IN_UNMOUNT) != 0 {
                changes.append(Change(path: folder, gone: false))
                continue
            }
            if mask & UInt32(IN_DELETE_SELF | IN_MOVE_SELF) != 0 { continue }
            guard !name.isEmpty else { continue }
            let path = folder == "/" ? "/" + name : folder + "/" + name
            let isFolder = mask & UInt32(IN_ISDIR) != 0
            if mask & UInt32(IN_DELETE | IN_MOVED_FROM) != 0 {
                if isFolder { removeTree(path, inotify: inotify, watches: watches) }
                changes.append(Change(path: path, gone: true))
            } else if isFolder, mask & UInt32(IN_CREATE | IN_MOVED_TO) != 0 {
                _ = addTree(path, inotify: inotify, watches: watches)
                changes.append(Change(path: path, gone: false))
            } else if !isFolder {
                changes.append(Change(path: path, gone: false))
            }
        }
        return changes
    }

    /// Watches `top` and every folder inside it (not following links out of it); false once the limit is reached.
    private func addTree(_ top: String, inotify: Int32, watches: Watches) -> Bool {
        var stack = [top]
        while let folder = stack.popLast() {
            let descriptor = inotify_add_watch(inotify, folder, Self.mask)
            if descriptor < 0 {
                let code = errno
                if code == ENOSPC {
                    let first = state.withLock { status -> Bool in
                        defer {
                            status.limitReached = true
                            status.folders = watches.byDescriptor.count
                        }
                        return !status.limitReached
                    }
                    if first { limitReached(folder) }
                    return false
                }
                continue  // gone already, or not a folder, or unreadable: a scan reports those
            }
            if let old = watches.byPath[folder], old != descriptor { watches.byDescriptor[old] = nil }
            watches.byDescriptor[descriptor] = folder
            watches.byPath[folder] = descriptor
            guard let directory = opendir(folder) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let type = entry.pointee.d_type
                guard type == UInt8(DT_DIR) || type == UInt8(DT_UNKNOWN) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." || name.hasPrefix(".") { continue }
                let path = folder == "/" ? "/" + name : folder + "/" + name
                if type == UInt8(DT_UNKNOWN) {
                    var info = stat()
                    guard lstat(path, &info) == 0, info.st_mode & S_IFMT == S_IFDIR else { continue }
                }
                stack.append(path)
            }
        }
        state.withLock { $0.folders = watches.byDescriptor.count }
        return true
    }

    /// Stops watching `top` and the folders inside it (moved away or deleted; a move within the library adds them
    /// again under their new paths).
    private func removeTree(_ top: String, inotify: Int32, watches: Watches) {
        let prefix = top + "/"
        for (path, descriptor) in watches.byPath where path == top || path.hasPrefix(prefix) {
            inotify_rm_watch(inotify, descriptor)
            watches.byPath[path] = nil
            watches.byDescriptor[descriptor] = nil
        }
    }
}
