/// What a file's folders say about it (`Show (2013)/Season 2/01.mkv`), for names that lack a title or season.
struct FolderContext {
    var title: String?
    var year: String?
    var season: String?

    /// Reads the folders between `root` and the file, nearest first.
    init(path: String, root: String, parser: FilenameParser) {
        var folders = path.dropFirst(root.count).split(separator: "/").dropLast().map(String.init)
        folders.reverse()
        for folder in folders {
            let lower = folder.lowercased()
            if season == nil, let number = Self.seasonFolder(lower) {
                season = number
                continue
            }
            if lower == "specials" || lower == "extras" {
                season = season ?? "0"
                continue
            }
            let parsed = parser.parse(folder)
            if title == nil, let found = parsed.first(.title) {
                title = found
                year = parsed.first(.year)
                if season == nil { season = parsed.first(.season) }
            }
        }
    }

    /// `Season 2`, `Season 02`, `S2`, `S02`
    static func seasonFolder(_ lower: String) -> String? {
        var digits: Substring
        if lower.hasPrefix("season ") {
            digits = lower.dropFirst(7)
        } else if lower.hasPrefix("s"), lower.count <= 3 {
            digits = lower.dropFirst()
        } else {
            return nil
        }
        digits = digits.drop { $0 == " " }
        guard !digits.isEmpty, digits.count <= 3, digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        return String(Int(digits) ?? 0)
    }
}
