import Foundation
public import ServiceLifecycle
import Subprocess
import Synchronization

#if canImport(System)
import System
#else
import SystemPackage
#endif

#if canImport(Glibc)
import Glibc
#endif

/// Makes every ffmpeg child die with the server, however the server dies (`kill -9` included).
///
/// `PR_SET_PDEATHSIG` cannot do it here: it fires when the *thread* that started the child ends, and Swift's pool
/// threads come and go. Instead one small keeper process (`sh`) leads a process group that every ffmpeg joins. Its
/// standard input is a pipe whose only writer is the server (close-on-exec, so no child holds it): when the server
/// ends, the pipe closes, `read` returns, and the keeper kills its whole group. At start, ffmpeg processes an
/// earlier run left writing into the segment cache are killed too.
public final class ChildProcessGroup: Service, Sendable {
    let cacheRoot: String
    private let leader = Mutex<pid_t?>(nil)
    private let started = Mutex(false)

    public init(cacheRoot: String) { self.cacheRoot = cacheRoot }

    /// The group children join, or nil before the keeper runs (or if it could not start).
    var processGroup: pid_t? { leader.withLock { $0 } }

    /// Waits (at most 2 s) until the keeper runs, so the first ffmpeg is already covered.
    func ready() async {
        for _ in 0..<100 where !started.withLock({ $0 }) {
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    private func markStarted() { started.withLock { $0 = true } }

    public func run() async throws {
        Self.killLeftovers(writingUnder: cacheRoot)
        var ends: [Int32] = [0, 0]
        guard pipe(&ends) == 0 else {
            markStarted()
            return
        }
        let writer = ends[1]
        // Only the server may hold the writing end (no child inherits it), or the pipe would outlive the server.
        _ = fcntl(writer, F_SETFD, FD_CLOEXEC)
        _ = fcntl(ends[0], F_SETFD, FD_CLOEXEC)
        var options = PlatformOptions()
        options.processGroupID = 0  // a group of its own, led by the keeper
        do {
            _ = try await Subprocess.run(
                .path("/bin/sh"),
                arguments: ["-c", "read _; kill -KILL 0"],
                platformOptions: options,
                input: .fileDescriptor(FileDescriptor(rawValue: ends[0]), closeAfterSpawningProcess: true),
                output: .discarded,
                error: .discarded
            ) { execution in
                self.leader.withLock { $0 = execution.processIdentifier.value }
                self.markStarted()
                try? await gracefulShutdown()
                // Shutting down: children still running go with the keeper.
                self.leader.withLock { $0 = nil }
                close(writer)
            }
        } catch {
            close(writer)
        }
        markStarted()
    }

    /// Kills ffmpeg processes whose arguments name a file under `root` and whose parent is gone (they now belong to
    /// init): an earlier server died before the keeper could act (it was killed with it, say).
    static func killLeftovers(writingUnder root: String) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: "/proc") else { return }
        let prefix = root.hasSuffix("/") ? root : root + "/"
        for entry in entries {
            guard let pid = Int32(entry), pid != getpid(),
                let raw = FileManager.default.contents(atPath: "/proc/\(entry)/cmdline"),
                let stat = try? String(contentsOfFile: "/proc/\(entry)/stat", encoding: .utf8)
            else { continue }
            let arguments = raw.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            guard let program = arguments.first, (program as NSString).lastPathComponent.contains("ffmpeg"),
                arguments.contains(where: { $0.hasPrefix(prefix) })
            else { continue }
            // Field 4 of /proc/PID/stat, after the parenthesised name (which may hold spaces).
            guard let close = stat.lastIndex(of: ")") else { continue }
            let fields = stat[stat.index(after: close)...].split(separator: " ")
            guard fields.count > 2, let parent = Int32(fields[1]), parent == 1 || kill(parent, 0) != 0 else { continue }
            kill(pid, SIGKILL)
        }
    }
}
