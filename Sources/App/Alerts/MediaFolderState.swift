import Foundation
import OffThread

/// What looking into a media folder finds, for the folder list and the alert check. The look goes through the mount
/// guard: a share that stops answering costs its caller the disk timeout, not a pool thread per look.
enum MediaFolderState: Equatable, Sendable {
    case readable
    /// Readable with nothing in it: an unmounted disk's mount point, or a folder not filled yet.
    case empty
    /// Missing or unreadable.
    case unreadable
    /// The look did not return within the guard's patience (a network share gone).
    case notAnswering

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

    struct Stalled: Error {}
}
