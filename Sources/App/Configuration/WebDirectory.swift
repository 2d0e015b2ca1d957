import Foundation

/// Finds the web app's files without depending on the working directory: `anikura serve` started from any
/// folder serves the same pages.
enum WebDirectory {
    /// `configured` empty: a `web` folder beside the executable, in `../share/anikura/web`, or in a folder above it
    /// (a build inside the checkout's `.build/`), else `./web`. A relative path from a config file is taken from that
    /// file's folder; from the environment or the command line, from the working directory.
    static func resolve(_ configured: String, origin: String, executable: String = CommandLine.arguments.first ?? "") -> String {
        if !configured.isEmpty {
            guard !configured.hasPrefix("/") else { return configured }
            if origin.hasSuffix(".toml") {
                let folder = (absolute(origin) as NSString).deletingLastPathComponent
                return ((folder as NSString).appendingPathComponent(configured) as NSString).standardizingPath
            }
            return configured
        }
        var folder = (absolute(executablePath(executable)) as NSString).deletingLastPathComponent
        let share = ((folder as NSString).appendingPathComponent("../share/anikura/web") as NSString).standardizingPath
        if isWebFolder(share) { return share }
        for _ in 0..<5 {
            let candidate = (folder as NSString).appendingPathComponent("web")
            if isWebFolder(candidate) { return candidate }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return "./web"
    }

    static func isWebFolder(_ path: String) -> Bool {
        FileManager.default.fileExists(atPath: (path as NSString).appendingPathComponent("index.html"))
    }

    /// The running executable (`/proc/self/exe`), or the path it was started by.
    static func executablePath(_ fallback: String) -> String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? fallback
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : (FileManager.default.currentDirectoryPath as NSString).appendingPathComponent(path)
    }
}
