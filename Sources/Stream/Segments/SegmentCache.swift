import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Finished segments on disk, capped in size: the least recently used go first.
///
/// Layout: `<root>/<file id>-<size>-<mtime>/<rendition>/<n>.ts` (or `.vtt`). Files are written under a
/// temporary name and renamed into place, so a reader never sees half a segment.
public actor SegmentCache {
    public nonisolated let root: String
    public nonisolated let capacityBytes: Int
    private var entries: [String: (size: Int, used: UInt64)] = [:]
    private var totalBytes = 0
    private var tick: UInt64 = 0

    public init(root: String, capacityBytes: Int) {
        self.root = root
        self.capacityBytes = capacityBytes
        try? FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        // Segments left by an earlier run count against the cap; their order of use is lost, so oldest first.
        var found: [(String, Int, Double)] = []
        if let walker = FileManager.default.enumerator(atPath: root) {
            for case let relative as String in walker {
                let path = root + "/" + relative
                if relative.hasSuffix(".part") {
                    unlink(path)
                    continue
                }
                var info = stat()
                guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else { continue }
                found.append((path, Int(info.st_size), Double(info.st_mtim.tv_sec)))
            }
        }
        for (path, size, _) in found.sorted(by: { $0.2 < $1.2 }) {
            tick += 1
            entries[path] = (size, tick)
            totalBytes += size
        }
    }

    /// The folder for one rendition of one version of a file (created by whoever makes a segment in it).
    nonisolated func folder(_ source: StreamSource, _ rendition: Rendition) -> String {
        "\(root)/\(source.cacheKey)/\(rendition)"
    }

    /// True when the segment is on disk; marks it used.
    public func contains(_ path: String) -> Bool {
        if entries[path] != nil {
            if access(path, F_OK) == 0 {
                tick += 1
                entries[path]!.used = tick
                return true
            }
            totalBytes -= entries.removeValue(forKey: path)!.size
            return false
        }
        return false
    }

    /// Records a segment just renamed into place and evicts the least recently used beyond the cap.
    public func added(_ path: String) {
        var info = stat()
        guard stat(path, &info) == 0 else { return }
        if let old = entries[path] { totalBytes -= old.size }
        tick += 1
        entries[path] = (Int(info.st_size), tick)
        totalBytes += Int(info.st_size)
        guard totalBytes > capacityBytes else { return }
        for (victim, entry) in entries.sorted(by: { $0.value.used < $1.value.used }) {
            guard totalBytes > capacityBytes else { break }
            guard victim != path else { continue }
            unlink(victim)
            entries.removeValue(forKey: victim)
            totalBytes -= entry.size
        }
    }

    public var usedBytes: Int { totalBytes }
    public var segmentCount: Int { entries.count }
}
