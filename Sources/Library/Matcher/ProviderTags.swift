import Foundation

/// The ids Sonarr, Radarr, Jellyfin and Plex write into folder and file names: `{tvdb-81797}`, `[tvdbid-81797]`,
/// `{tmdb-372058}`, `[tmdbid-372058]`, `{imdb-tt5311514}`, `[imdbid-tt5311514]` (and `=` for `-`, as Jellyfin also
/// takes). A tag names the series or movie exactly; a tag whose id is not a number (or `tt` and digits) is garbage
/// and is reported, never guessed from.
public struct ProviderTags: Sendable, Equatable {
    public var tvdb: Int?
    public var tmdb: Int?
    public var imdb: String?
    /// Tags that looked like ids but were not: `{tvdb-abc}`.
    public var garbage: [String] = []

    public var isEmpty: Bool { tvdb == nil && tmdb == nil && imdb == nil }

    public init(tvdb: Int? = nil, tmdb: Int? = nil, imdb: String? = nil) {
        self.tvdb = tvdb
        self.tmdb = tmdb
        self.imdb = imdb
    }

    /// The tags of one name (a file or folder name).
    public static func scan(_ name: some StringProtocol) -> ProviderTags {
        var tags = ProviderTags()
        var rest = Substring(name)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "[" }) {
            let closer: Character = rest[open] == "{" ? "}" : "]"
            guard let close = rest[open...].firstIndex(of: closer) else { break }
            let inside = rest[rest.index(after: open)..<close]
            rest = rest[rest.index(after: close)...]
            guard let separator = inside.firstIndex(where: { $0 == "-" || $0 == "=" }) else { continue }
            let key = inside[..<separator].lowercased()
            let value = String(inside[inside.index(after: separator)...]).trimmingCharacters(in: .whitespaces)
            switch key {
            case "tvdb", "tvdbid":
                if let id = Self.id(value) { tags.tvdb = tags.tvdb ?? id } else { tags.garbage.append(String(rest.base[open...close])) }
            case "tmdb", "tmdbid":
                if let id = Self.id(value) { tags.tmdb = tags.tmdb ?? id } else { tags.garbage.append(String(rest.base[open...close])) }
            case "imdb", "imdbid":
                if Self.isIMDb(value) { tags.imdb = tags.imdb ?? value } else { tags.garbage.append(String(rest.base[open...close])) }
            default:
                continue
            }
        }
        return tags
    }

    /// The tags of a file: its own name first, then its folders from the nearest up to `root` (a file's own tag
    /// wins over its folder's).
    public static func of(path: String, root: String) -> ProviderTags {
        var tags = ProviderTags()
        let names = path.dropFirst(root.count).split(separator: "/").reversed()
        for name in names {
            let found = scan(name)
            tags.tvdb = tags.tvdb ?? found.tvdb
            tags.tmdb = tags.tmdb ?? found.tmdb
            tags.imdb = tags.imdb ?? found.imdb
            tags.garbage += found.garbage
        }
        return tags
    }

    static func id(_ text: String) -> Int? {
        guard !text.isEmpty, text.count <= 9, text.allSatisfy({ $0.isASCII && $0.isNumber }), let id = Int(text), id > 0 else { return nil }
        return id
    }

    static func isIMDb(_ text: String) -> Bool {
        let digits = text.dropFirst(2)
        return text.hasPrefix("tt") && (7...10).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
