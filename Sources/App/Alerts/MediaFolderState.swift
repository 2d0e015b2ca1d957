import Foundation
import OffThread

/// What looking into a media folder finds, for the folder list, the alert check and the scan. The look goes through the mount
/// guard: a share that stops answering costs its caller the disk timeout, not a pool thread per look.
enum MediaFolderState: Equatable, Sendable {
    case readable
    /// Readable with nothing in it: an unmounted disk's mount point, or a folder not filled yet.
    case empty
    /// Missing or unreadable.
    case unreadable
    /// The look did not return within the guard's patience (a network share gone).
    case notAnswering

    /// What is wrong, worded to follow "the media folder …", or nil for a readable folder.
    var trouble: String? {
        switch self {
        case .readable: nil
        case .empty: "is empty"
        case .unreadable: "cannot be read"
        case .notAnswering: "does not answer"
        }
    }

    static func of(_ root: String, through mountGuard: MountGuard) async -> MediaFolderState {
        do {
            return try await mountGuard.run(folder: root, stalled: Stalled()) { () throws(Stalled) -> MediaFolderState in
                guard let entries = try? FileManager.default.contentsOfDirectory(atPath: root) else { return .unreadable }
                return entries.isEmpty ? .empty : .readable
            }
        } catch {
            return .notAnswering
        }
    }

    /// Each folder looked into on its own, at once: one that does not answer costs its own patience only.
    static func of(_ roots: [String], through mountGuard: MountGuard) async -> [String: MediaFolderState] {
        await withTaskGroup(of: (String, MediaFolderState).self) { group in
            for root in roots { group.addTask { (root, await MediaFolderState.of(root, through: mountGuard)) } }
            return await group.reduce(into: [String: MediaFolderState]()) { $0[$1.0] = $1.1 }
        }
    }

    /// Those of `roots` that do not answer a look (a scan leaves them out rather than hang in them).
    static func unanswering(_ roots: [String], through mountGuard: MountGuard) async -> Set<String> {
        Set(await of(roots, through: mountGuard).filter { $0.value == .notAnswering }.keys)
    }

    struct Stalled: Error {}
}
