import Foundation

#if canImport(Glibc)
import Glibc
#endif

extension LibraryScanner {
    /// Rescans only `paths` (files or folders inside the media folders, present or gone): what the folder watcher
    /// and Sonarr's or Radarr's webhooks ask for. Known files at or under them are brought up to date as a whole
    /// scan would (new, changed, moved within them, gone, offline); nothing elsewhere is touched. `gone` names
    /// paths known to have been deleted (the kernel or Sonarr said so): they are removed even where an empty folder
    /// would otherwise make them offline. Paths under no media folder are reported as problems and skipped, and so
    /// are paths in the media folders named in `unanswering` (a share gone: looking there would hang), whose known
    /// files are kept as offline.
    public func scan(
        paths: [String],
        gone: Set<String> = [],
        unanswering: Set<String> = [],
        now: Double? = nil
    ) throws
        -> ScanReport
    {
        let unanswering = Set(unanswering.map(Self.trimmed))
        let started = Date()
        var walk = DirectoryWalker.Result()
        var starts: [(folder: String, root: String)] = []
        let targets = Self.outermost(paths.map(Self.trimmedPath))
        for path in targets {
            guard let root = root(of: path) else {
                walk.problems.append(ScanProblem(path: path, reason: "not inside a media folder"))
                continue
            }
            guard !unanswering.contains(root) else {
                let problem = ScanProblem(path: root, reason: Self.unansweringReason)
                if !walk.problems.contains(problem) { walk.problems.append(problem) }
                walk.unreachablePaths.insert(path)
                continue
            }
            var info = stat()
            if stat(path, &info) == 0 {
                switch info.st_mode & S_IFMT {
                case S_IFDIR:
                    starts.append((path, root))
                case S_IFREG:
                    let name = String(path[path.index(after: path.lastIndex(of: "/")!)...])
                    guard VideoFile.isCandidate(fileName: name), !name.hasPrefix(".") else { continue }
                    let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                    walk.files.append(FoundFile(path: path, root: root, size: Int(info.st_size), modifiedAt: modified))
                default:
                    continue
                }
            } else if errno == ENOENT || errno == ENOTDIR {
                // Gone, unless the nearest folder above it that exists cannot be read or is empty (an unmounted disk).
                var folder = Self.parent(path)
                while folder.count > root.count, stat(folder, &info) != 0 { folder = Self.parent(folder) }
                if let directory = opendir(folder) {
                    defer { closedir(directory) }
                    var isEmpty = true
                    while isEmpty, let entry = readdir(directory) { isEmpty = Self.isDots(entry) }
                    if isEmpty { walk.emptyFolders.insert(folder) }
                } else {
                    walk.problems.append(ScanProblem(path: folder, reason: "cannot read folder: \(DirectoryWalker.errorText())"))
                    walk.unreadableFolders.insert(folder)
                }
            } else {
                walk.problems.append(ScanProblem(path: path, reason: "cannot read: \(DirectoryWalker.errorText())"))
                walk.unreachablePaths.insert(path)
            }
        }
        let inside = DirectoryWalker.walk(starts: starts)
        walk.files += inside.files
        walk.problems += inside.problems
        walk.unreadableFolders.formUnion(inside.unreadableFolders)
        walk.emptyFolders.formUnion(inside.emptyFolders)
        walk.unreachablePaths.formUnion(inside.unreachablePaths)
        let known = try index.knownFiles(under: targets.filter { root(of: $0) != nil })
        return try reconcile(walk, known: known, gone: Set(gone.map(Self.trimmedPath)), started: started, now: now, progress: nil)
    }

    /// The media folder `path` is in (or is), nil for none.
    public func root(of path: String) -> String? {
        roots.map(Self.trimmed).filter { path == $0 || path.hasPrefix($0 == "/" ? "/" : $0 + "/") }.max { $0.count < $1.count }
    }

    /// `path` without trailing slashes, `.` and `..` (which would climb out of a media folder) resolved by name.
    public static func trimmedPath(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            if part == "." { continue }
            if part == ".." {
                _ = parts.popLast()
            } else {
                parts.append(part)
            }
        }
        return (path.hasPrefix("/") ? "/" : "") + parts.joined(separator: "/")
    }

    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") { path.removeLast() }
        return path
    }

    public static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash > path.startIndex else { return "/" }
        return String(path[..<slash])
    }

    /// The paths, without those inside another of them, once each.
    static func outermost(_ paths: [String]) -> [String] {
        let unique = Set(paths)
        return unique.filter { path in
            var folder = path
            while folder != "/", folder.contains("/") {
                folder = parent(folder)
                if unique.contains(folder) { return false }
            }
            return true
        }
        .sorted()
    }

    private static func isDots(_ entry: UnsafeMutablePointer<dirent>) -> Bool {
        withUnsafeBytes(of: entry.pointee.d_name) { raw in
            let name = Array(raw.prefix { $0 != 0 })
            return name == [0x2E] || name == [0x2E, 0x2E]
        }
    }
}
