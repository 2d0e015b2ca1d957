import Foundation

/// `[library.path_map]`: the paths Sonarr and Radarr use (in their containers, on their machines) turned into
/// Anikura's, by the longest matching prefix: `"/tv/anime" = "/media/anime"` makes `/tv/anime/Show/x.mkv`
/// `/media/anime/Show/x.mkv`. A path no prefix covers is taken as it is.
struct PathMap: Sendable, Equatable {
    /// (theirs, ours), longest first.
    let pairs: [(theirs: String, ours: String)]

    init(_ table: [String: String]) {
        pairs = table.map { (Self.trimmed($0.key), Self.trimmed($0.value)) }.sorted { $0.theirs.count > $1.theirs.count }
    }

    static func == (left: PathMap, right: PathMap) -> Bool {
        left.pairs.elementsEqual(right.pairs) { $0.theirs == $1.theirs && $0.ours == $1.ours }
    }

    /// Anikura's path for one of theirs. Windows paths (`D:\Anime\Show`) work too: their backslashes become slashes
    /// once a prefix is replaced.
    func local(_ path: String) -> String {
        for (theirs, ours) in pairs {
            if path == theirs { return ours }
            for separator in ["/", "\\"] where path.hasPrefix(theirs + separator) {
                let rest = path.dropFirst(theirs.count + 1).replacingOccurrences(of: "\\", with: "/")
                return ours == "/" ? "/" + rest : ours + "/" + rest
            }
        }
        return path
    }

    static func trimmed(_ path: String) -> String {
        var path = path
        while path.count > 1, path.hasSuffix("/") || path.hasSuffix("\\") { path.removeLast() }
        return path
    }
}
