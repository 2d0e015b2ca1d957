import Subprocess

#if canImport(System)
import System
#else
import SystemPackage
#endif

/// The `ffmpeg` program, the one outside tool the stream module runs. A protocol so the service can be
/// given another build of it (or a path) without reaching for globals.
public protocol MediaTool: Sendable {
    /// Runs ffmpeg with these arguments; throws with the tail of its error output when it fails.
    func ffmpeg(_ arguments: [String]) async throws(StreamError)
}

/// ffmpeg through swift-subprocess. Cancelling the calling task ends the process; with a `ChildProcessGroup`
/// the process also ends when the server does, however it ends.
public struct FFmpegTool: MediaTool {
    let executable: String
    let group: ChildProcessGroup?

    /// - Parameter executable: a path, or a name looked up on PATH.
    public init(executable: String = "ffmpeg", group: ChildProcessGroup? = nil) {
        self.executable = executable
        self.group = group
    }

    public func ffmpeg(_ arguments: [String]) async throws(StreamError) {
        let program: Executable = executable.contains("/") ? .path(FilePath(executable)) : .name(executable)
        var options = PlatformOptions()
        if let group {
            await group.ready()
            options.processGroupID = group.processGroup
        }
        do {
            let result = try await run(
                program,
                arguments: Arguments(["-hide_banner", "-nostdin", "-loglevel", "error", "-y"] + arguments),
                platformOptions: options,
                output: .discarded,
                error: .string(limit: 64 * 1024)
            )
            guard result.terminationStatus.isSuccess else {
                let message = (result.standardError).split(separator: "\n").suffix(3).joined(separator: " | ")
                throw StreamError.production("ffmpeg \(result.terminationStatus): \(message)")
            }
        } catch let error as StreamError {
            throw error
        } catch {
            throw .production("cannot run \(executable): \(error)")
        }
    }
}
