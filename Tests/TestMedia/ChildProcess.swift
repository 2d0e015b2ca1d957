public import Foundation
import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// Runs programs for the tests through swift-subprocess, as the stream module runs ffmpeg.
///
/// Not Foundation's `Process`: on Linux its `run()` lists /proc/self/fd and copies 256 bytes for each entry,
/// which reads past the end of glibc's buffer once the test process has about 1,300 files open, and kills the
/// whole test run with SIGSEGV (swift-corelibs-foundation #5472; it failed CI on 2026-11-23).
public enum ChildProcess {
    public struct Finished: Sendable {
        /// The exit code, or 128 plus the signal that ended the program.
        public var status: Int32
        public var standardOutput: Data
        public var standardError: String

        public var text: String { String(decoding: standardOutput, as: UTF8.self) }
    }

    /// A program that is running, as `withRunning` hands it to its body.
    public struct Running: Sendable {
        public let pid: Int32
        let errorPath: String

        /// Still running: not yet a zombie waiting to be reaped.
        public var isRunning: Bool {
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                let end = stat.lastIndex(of: ")")
            else { return false }
            return !stat[end...].hasPrefix(") Z") && !stat[end...].hasPrefix(") X")
        }

        /// What the program has written to standard error so far.
        public var standardError: String { (try? String(contentsOfFile: errorPath, encoding: .utf8)) ?? "" }

        public func send(_ signal: Int32) { kill(pid, signal) }
    }

    /// Runs a program to the end, with `input` on its standard input.
    public static func run(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        input: String = ""
    ) async throws -> Finished {
        // The input comes from a file, not a pipe: a program that exits before reading it would make the pipe's
        // writer fail, and swift-subprocess 1.0.2 then traps on the descriptor it did not close.
        let inputPath = NSTemporaryDirectory() + "anikura-stdin-" + UUID().uuidString
        FileManager.default.createFile(atPath: inputPath, contents: Data(input.utf8))
        defer { try? FileManager.default.removeItem(atPath: inputPath) }
        let inputFile = try FileDescriptor.open(FilePath(inputPath), .readOnly)
        let result = try await Subprocess.run(
            .path(FilePath(executable)),
            arguments: Arguments(arguments),
            environment: subprocessEnvironment(environment),
            input: .fileDescriptor(inputFile, closeAfterSpawningProcess: true),
            output: .bytes(limit: 256 << 20),
            error: .string(limit: 16 << 20)
        )
        return Finished(
            status: status(result.terminationStatus),
            standardOutput: Data(result.standardOutput),
            standardError: result.standardError ?? ""
        )
    }

    /// Starts a program, runs `body` while it runs, then waits for it to end. Its standard output is discarded and
    /// its standard error goes to a file, which `Running.standardError` reads: a pipe could be held open by the
    /// program's own children (Chromium's) long after it ends. Returns the exit status and what `body` returned.
    public static func withRunning<Result: Sendable>(
        _ executable: String,
        _ arguments: [String],
        environment: [String: String]? = nil,
        _ body: @escaping @Sendable (Running) async throws -> Result
    ) async throws -> (status: Int32, result: Result) {
        let errorPath = NSTemporaryDirectory() + "anikura-stderr-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: errorPath) }
        let errorFile = try FileDescriptor.open(
            FilePath(errorPath),
            .writeOnly,
            options: [.create, .truncate],
            permissions: .ownerReadWrite
        )
        let outcome = try await Subprocess.run(
            .path(FilePath(executable)),
            arguments: Arguments(arguments),
            environment: subprocessEnvironment(environment),
            input: .none,
            output: .discarded,
            error: .fileDescriptor(errorFile, closeAfterSpawningProcess: true)
        ) { execution -> Result in
            try await body(Running(pid: execution.processIdentifier.value, errorPath: errorPath))
        }
        return (status(outcome.terminationStatus), outcome.closureResult)
    }

    static func status(_ termination: TerminationStatus) -> Int32 {
        switch termination {
        case .exited(let code): Int32(code)
        case .signaled(let signal): 128 + Int32(signal)
        }
    }

    static func subprocessEnvironment(_ environment: [String: String]?) -> Environment {
        guard let environment else { return .inherit }
        return .custom(
            Dictionary(uniqueKeysWithValues: environment.compactMap { key, value in Environment.Key(rawValue: key).map { ($0, value) } })
        )
    }
}
