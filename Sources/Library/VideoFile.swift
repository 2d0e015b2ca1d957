/// Which files in a media folder are videos worth indexing.
///
/// The scanner (issue "Library I") walks `library.media_dirs` with this rule: known video extensions,
/// no hidden files, no downloads still in progress.
public enum VideoFile {
    public static let extensions: Set<String> = ["mkv", "mp4", "m4v", "avi", "webm", "ts", "m2ts", "wmv", "flv", "ogm"]

    /// Suffixes download clients give files they are still writing (browsers, qBittorrent, wget/aria2).
    public static let partialSuffixes = [".part", ".!qb", ".crdownload", ".aria2", ".tmp"]

    public static func isCandidate(fileName: String) -> Bool {
        guard !fileName.hasPrefix("."), let dot = fileName.lastIndex(of: ".") else { return false }
        let lowered = fileName.lowercased()
        if partialSuffixes.contains(where: { lowered.hasSuffix($0) }) { return false }
        return extensions.contains(String(lowered[lowered.index(after: dot)...]))
    }
}
