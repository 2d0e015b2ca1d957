#if canImport(Glibc)
import Glibc
#endif

/// A video file found on disk.
public struct FoundFile: Sendable, Equatable {
    public var path: String
    public var root: String
    public var size: Int
    /// Modification time, Unix seconds (with nanoseconds).
    public var modifiedAt: Double
}

/// Something the scan skipped, and why.
public struct ScanProblem: Sendable, Equatable, Codable {
    public var path: String
    public var reason: String
}

/// Walks media folders for video files with plain POSIX calls: follows symbolic links but never into a folder
/// it has already seen (loops), lists a file reached by several links once, skips hidden and partial files, and
/// reports what it cannot read instead of stopping.
enum DirectoryWalker {
    struct Result {
        var files: [FoundFile] = []
        var problems: [ScanProblem] = []
        /// Folders that could not be read: what the index holds under them is offline, not gone.
        var unreadableFolders: Set<String> = []
        /// Folders read and found empty (an unmounted disk leaves an empty mount point): what the index held under
        /// them and did not find elsewhere is offline too.
        var emptyFolders: Set<String> = []
        /// Entries that exist but cannot be followed or read (a link into an unmounted disk, an I/O error); what the
        /// index holds at or under them is offline.
        var unreachablePaths: Set<String> = []

        /// True when the walk could not look where `path` is (an unreadable folder, a link into a missing disk).
        func unreachable(_ path: String) -> Bool {
            unreachablePaths.contains(path)
                || Self.enclosing(path, in: unreadableFolders) != nil || Self.enclosing(path, in: unreachablePaths) != nil
        }

        /// The folder read and found empty that `path` was in, if any.
        func emptyFolder(containing path: String) -> String? { Self.enclosing(path, in: emptyFolders) }

        /// True when `path` is in `paths` or inside one of them.
        static func isAtOrUnder(_ path: String, _ paths: Set<String>) -> Bool {
            !paths.isEmpty && (paths.contains(path) || enclosing(path, in: paths) != nil)
        }

        /// The nearest folder above `path` that is in `folders` (one set lookup per level, not a scan of the set).
        static func enclosing(_ path: String, in folders: Set<String>) -> String? {
            guard !folders.isEmpty else { return nil }
            var folder = Substring(path)
            while let slash = folder.lastIndex(of: "/"), slash > folder.startIndex {
                folder = folder[..<slash]
                if folders.contains(String(folder)) { return String(folder) }
            }
            return nil
        }
    }

    static func walk(roots: [String], progress: ((Int) -> Void)? = nil) -> Result {
        walk(starts: roots.map { (LibraryScanner.trimmed($0), LibraryScanner.trimmed($0)) }, progress: progress)
    }

    /// Walks each `folder` (a media folder, or a folder inside `root` for a targeted scan); files found are
    /// `root`'s.
    static func walk(starts: [(folder: String, root: String)], progress: ((Int) -> Void)? = nil) -> Result {
        var result = Result()
        var visited: Set<[UInt64]> = []
        // (device, inode) of each file listed, and where in `files`: a file reached by a link and by its own
        // path is listed once, under its own path.
        var seenFiles: [[UInt64]: (index: Int, viaLink: Bool)] = [:]
        for (start, root) in starts {
            let what = start == root ? "media folder" : "folder"
            var info = stat()
            guard stat(start, &info) == 0 else {
                result.problems.append(ScanProblem(path: start, reason: "cannot read \(what): \(errorText())"))
                result.unreadableFolders.insert(start)
                continue
            }
            guard (info.st_mode & S_IFMT) == S_IFDIR else {
                result.problems.append(ScanProblem(path: start, reason: "\(what) is not a folder"))
                result.unreadableFolders.insert(start)
                continue
            }
            var stack = [start]
            guard visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { continue }
            while let folder = stack.popLast() {
                guard let directory = opendir(folder) else {
                    let reason = folder == root ? "cannot read media folder" : "cannot read folder"
                    result.problems.append(ScanProblem(path: folder, reason: "\(reason): \(errorText())"))
                    result.unreadableFolders.insert(folder)
                    continue
                }
                defer { closedir(directory) }
                var isEmpty = true
                defer {
                    if isEmpty { result.emptyFolders.insert(folder) }
                }
                while let entry = readdir(directory) {
                    let nameBytes = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                        Array(raw.prefix { $0 != 0 })
                    }
                    guard let name = String(validating: nameBytes, as: UTF8.self) else {
                        let shown = String(decoding: nameBytes, as: UTF8.self)
                        result.problems.append(ScanProblem(path: folder + "/" + shown, reason: "name is not valid UTF-8"))
                        continue
                    }
                    if name == "." || name == ".." { continue }
                    isEmpty = false
                    if name.hasPrefix(".") { continue }
                    let path = folder + "/" + name
                    var info = stat()
                    // stat follows links: a broken link or a file gone since readdir fails here.
                    guard stat(path, &info) == 0 else {
                        let code = errno
                        var link = stat()
                        let exists = lstat(path, &link) == 0
                        let isLink = exists && (link.st_mode & S_IFMT) == S_IFLNK
                        let reason =
                            code == ELOOP
                            ? "symbolic link loop" : isLink ? "broken symbolic link" : "vanished or unreadable: \(errorText(code))"
                        result.problems.append(ScanProblem(path: path, reason: reason))
                        // A link whose target is on a disk that is not there, or a file that gives an I/O error, is
                        // unreachable; only an entry that is gone from its folder is gone.
                        if exists { result.unreachablePaths.insert(path) }
                        continue
                    }
                    switch info.st_mode & S_IFMT {
                    case S_IFDIR:
                        if visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted { stack.append(path) }
                    case S_IFREG:
                        guard VideoFile.isCandidate(fileName: name) else { continue }
                        let modified = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
                        let found = FoundFile(path: path, root: root, size: Int(info.st_size), modifiedAt: modified)
                        var link = stat()
                        let viaLink = lstat(path, &link) == 0 && (link.st_mode & S_IFMT) == S_IFLNK
                        let identity = [UInt64(info.st_dev), UInt64(info.st_ino)]
                        if let seen = seenFiles[identity] {
                            // The same file again: keep the entry under its own path rather than a link's.
                            if seen.viaLink && !viaLink {
                                result.files[seen.index] = found
                                seenFiles[identity] = (seen.index, false)
                            }
                            continue
                        }
                        seenFiles[identity] = (result.files.count, viaLink)
                        result.files.append(found)
                        if result.files.count % 500 == 0 { progress?(result.files.count) }
                    default:
                        continue
                    }
                }
            }
        }
        progress?(result.files.count)
        return result
    }

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// A content fingerprint: FNV-1a over the first and last 64 KiB (cheap, and enough with the size to tell a
    /// moved file from a different one).
    static func fingerprint(path: String, size: Int) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var buffer = [UInt8](repeating: 0, count: 65_536)
        for offset in size > 131_072 ? [0, size - 65_536] : [0] {
            let count = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 65_536, off_t(offset)) }
            guard count >= 0 else { return nil }
            for byte in buffer.prefix(count) {
                hash ^= UInt64(byte)
                hash &*= 0x100_0000_01b3
            }
        }
        return String(size, radix: 16) + "-" + String(hash, radix: 16)
    }
}
