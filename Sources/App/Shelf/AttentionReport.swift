import Foundation
import Library

/// Files a person should look at, by folder: those with no match that counts, and automatic matches the matcher
/// was unsure of. What `/attention` lists (Shoko's "unrecognized files").
struct AttentionReport: Sendable, Encodable {
    var folders: [Folder]
    /// Files on disk in all, and how many of them are listed here.
    var totalFiles: Int
    var listedFiles: Int

    struct Folder: Sendable, Encodable {
        var path: String
        var files: [Entry]
    }

    struct Entry: Sendable, Encodable {
        var fileId: Int64
        var name: String
        /// `unmatched` (nothing counts yet), `doubtful` (an automatic match below `doubtfulBelow`) or `conflict` (a
        /// tag named another series than the title reads as: the tag won, a person should confirm).
        var state: String
        var parsedTitle: String?
        /// The episode number read from the name, when there is one.
        var parsedEpisode: String?
        var aid: Int?
        var episode: String?
        var confidence: Double?
        var note: String?
        /// How the match was made, and for TVDB- or TMDB-numbered names both numberings.
        var method: String?
        var numbering: String?
        var candidates: [MatchCandidate]
        var offline: Bool
    }

    /// An automatic match under this confidence is shown for a second look, though it counts.
    static let doubtfulBelow = 0.75

    init(files: [LibraryFile], matches: [FileMatch]) {
        let byFile = Dictionary(matches.map { ($0.fileId, $0) }, uniquingKeysWith: { first, _ in first })
        var entries: [(folder: String, entry: Entry)] = []
        for file in files {
            let match = byFile[file.id]
            let state: String
            if let match, match.applied {
                if match.method == .tag, match.note?.contains("the tag wins") == true {
                    state = "conflict"
                } else {
                    guard match.source == .auto, match.confidence < Self.doubtfulBelow else { continue }
                    state = "doubtful"
                }
            } else {
                state = "unmatched"
            }
            let episode: String? =
                switch file.parsed["episode"] {
                case .one(let value): value
                case .many(let values): values.first
                case nil: nil
                }
            let entry = Entry(
                fileId: file.id,
                name: (file.path as NSString).lastPathComponent,
                state: state,
                parsedTitle: file.title,
                parsedEpisode: episode,
                aid: match?.applied == true ? match?.aid : nil,
                episode: match?.applied == true ? match?.episode : nil,
                confidence: match?.confidence,
                note: match?.note,
                method: match?.method.rawValue,
                numbering: match?.numbering?.summary,
                candidates: Array((match?.candidates ?? []).prefix(5)),
                offline: file.offline
            )
            entries.append(((file.path as NSString).deletingLastPathComponent, entry))
        }
        folders = Dictionary(grouping: entries, by: \.folder).map { Folder(path: $0.key, files: $0.value.map(\.entry)) }
            .sorted { $0.path < $1.path }
        totalFiles = files.count
        listedFiles = entries.count
    }
}
