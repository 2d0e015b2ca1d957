import Foundation

/// What a scan did.
public struct ScanReport: Sendable, Codable, Equatable {
    public var found = 0
    public var added = 0
    public var changed = 0
    public var moved = 0
    public var removed = 0
    public var unchanged = 0
    /// Known files in folders that cannot be read now (an unmounted disk, a share that does not answer): kept, marked
    /// offline.
    public var offline = 0
    public var problems: [ScanProblem] = []
    public var seconds = 0.0

    public var summary: String {
        "found \(found) videos: \(added) new, \(changed) changed, \(moved) moved, \(removed) gone, \(unchanged) unchanged"
            + (offline == 0 ? "" : ", \(offline) offline (folder unreadable, empty or not answering; kept)")
            + (problems.isEmpty ? "" : ", \(problems.count) skipped") + " in \(String(format: "%.2f", seconds)) s"
    }
}

/// How far a scan is.
public struct ScanProgress: Sendable, Equatable {
    public enum Phase: String, Sendable, Codable {
        case walking
        case indexing
    }

    public var phase: Phase
    public var done: Int
    public var total: Int
}

/// Walks the media folders and brings the library index up to date: new files are parsed and added, changed
/// ones re-parsed, vanished ones removed, moved ones (same size and fingerprint) keep their identity; files
/// whose size and modification time did not change are not touched. A file is removed only when its folder was
/// read and it was not there: files in a folder that cannot be read, or that is empty though the index held
/// files in it (an unmounted disk), are kept and marked offline until they are seen again.
public struct LibraryScanner: Sendable {
    let index: LibraryIndex
    public let roots: [String]
    let parser = FilenameParser()

    public init(index: LibraryIndex, roots: [String]) {
        self.index = index
        self.roots = roots
    }

    /// Runs synchronously (call it off the cooperative pool).
    ///
    /// `unanswering` names media folders that did not answer a look just before (a network share gone): they are not
    /// walked, since a walk into them would hang until they answer, and the files the index holds there are kept as
    /// offline.
    public func scan(
        now: Double? = nil,
        unanswering: Set<String> = [],
        progress: (@Sendable (ScanProgress) -> Void)? = nil
    )
        throws -> ScanReport
    {
        let started = Date()
        var walk = DirectoryWalker.walk(roots: roots.filter { !unanswering.contains($0) }) {
            progress?(ScanProgress(phase: .walking, done: $0, total: 0))
        }
        for root in roots where unanswering.contains(root) {
            let folder = Self.trimmed(root)
            walk.unreadableFolders.insert(folder)
            walk.problems.append(ScanProblem(path: folder, reason: Self.unansweringReason))
        }
        return try reconcile(walk, known: try index.knownFiles(), gone: [], started: started, now: now, progress: progress)
    }

    /// Why a media folder was left out of a scan.
    static let unansweringReason = "folder did not answer; not scanned, its files are kept as offline"

    /// Brings the index's `known` files up to date with what `walk` found where it looked.
    func reconcile(
        _ walk: DirectoryWalker.Result,
        known: [String: LibraryIndex.Known],
        gone: Set<String>,
        started: Date,
        now: Double?,
        progress: (@Sendable (ScanProgress) -> Void)?
    ) throws -> ScanReport {
        var report = ScanReport()
        report.problems = walk.problems
        report.found = walk.files.count
        var known = known
        var changes = LibraryIndex.Changes()
        var fresh: [FoundFile] = []
        for file in walk.files {
            guard let existing = known.removeValue(forKey: file.path) else {
                fresh.append(file)
                continue
            }
            if existing.offline { changes.online.append(existing.id) }
            if existing.size == file.size && existing.modifiedAt == file.modifiedAt {
                report.unchanged += 1
                continue
            }
            guard let entry = entry(for: file) else {
                report.problems.append(ScanProblem(path: file.path, reason: "vanished or unreadable while scanning"))
                known[file.path] = existing  // keep it out of the moves; it is removed below if really gone
                continue
            }
            changes.updates.append((existing.id, entry))
            report.changed += 1
        }
        // Whatever is left of `known` was not found: out of reach (offline), moved (same size and fingerprint) or
        // gone. Moves are found first, so a file moved out of a folder that is now empty is a move.
        var vanished: [String: [Int64]] = [:]
        var inEmptyFolders: [Int64: (folder: String, offline: Bool)] = [:]
        for (path, old) in known {
            // What the kernel or Sonarr said was deleted is gone, whatever its folder looks like now.
            let certainlyGone = DirectoryWalker.Result.isAtOrUnder(path, gone)
            if !certainlyGone, walk.unreachable(path) {
                if !old.offline { changes.offline.append(old.id) }
                report.offline += 1
                continue
            }
            if !certainlyGone, let folder = walk.emptyFolder(containing: path) { inEmptyFolders[old.id] = (folder, old.offline) }
            vanished[old.fingerprint, default: []].append(old.id)
        }
        for (done, file) in fresh.enumerated() {
            if done % 500 == 0 { progress?(ScanProgress(phase: .indexing, done: done, total: fresh.count)) }
            guard let entry = entry(for: file) else {
                report.problems.append(ScanProblem(path: file.path, reason: "vanished or unreadable while scanning"))
                continue
            }
            if var ids = vanished[entry.fingerprint], let id = ids.popLast() {
                vanished[entry.fingerprint] = ids
                changes.updates.append((id, entry))
                report.moved += 1
            } else {
                changes.inserts.append(entry)
                report.added += 1
            }
        }
        // Not moved, and in a folder that is empty though it held them (an unmounted disk's mount point): offline.
        var keptInEmptyFolder: [String: Int] = [:]
        for (fingerprint, ids) in vanished {
            vanished[fingerprint] = ids.filter { id in
                guard let kept = inEmptyFolders[id] else { return true }
                if !kept.offline { changes.offline.append(id) }
                report.offline += 1
                keptInEmptyFolder[kept.folder, default: 0] += 1
                return false
            }
        }
        for (folder, count) in keptInEmptyFolder.sorted(by: { $0.key < $1.key }) {
            report.problems.append(
                ScanProblem(path: folder, reason: "folder is empty; its \(count) known files are kept as offline (is the disk mounted?)")
            )
        }
        changes.deletes = vanished.values.flatMap { $0 }
        report.removed = changes.deletes.count
        try index.apply(changes, now: now ?? started.timeIntervalSince1970)
        progress?(ScanProgress(phase: .indexing, done: fresh.count, total: fresh.count))
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    func entry(for file: FoundFile) -> LibraryIndex.Changes.Entry? {
        guard let fingerprint = DirectoryWalker.fingerprint(path: file.path, size: file.size) else { return nil }
        let name = String(file.path[file.path.index(after: file.path.lastIndex(of: "/")!)...])
        var parsed = parser.parse(name)
        let context = FolderContext(path: file.path, root: file.root, parser: parser)
        // `Show/Season 2/01.mkv`: a bare number is the episode, and the folders name the show.
        if let title = parsed.first(.title), parsed.first(.episode) == nil, title.allSatisfy(\.isNumber), title.count <= 4,
            context.title != nil
        {
            parsed.remove(.title)
            parsed.add(.episode, title)
        }
        let title = parsed.first(.title) ?? context.title ?? ""
        let season = parsed.first(.season).map { String(Int($0) ?? 0) } ?? context.season ?? ""
        return LibraryIndex.Changes.Entry(file: file, fingerprint: fingerprint, parsed: parsed, title: title, season: season)
    }
}
