import Foundation

/// A Kometa collection file (`collections:` with the `anidb_id` builder) for what is on disk: one collection per
/// franchise, and one of the anime whose sequel is missing, so a Kometa config can include it as a file.
public enum KometaCollections {
    public static func yaml(franchises: [LibraryFranchise], missing: [MissingRelations]) -> String {
        var lines = [
            "# Written by Anikura from the anime on disk. Include it in a Kometa library's collection_files.",
            "collections:",
        ]
        var names = Set<String>()
        func name(_ wanted: String) -> String {
            var candidate = wanted
            var number = 2
            while !names.insert(candidate.lowercased()).inserted {
                candidate = "\(wanted) (\(number))"
                number += 1
            }
            return candidate
        }
        for franchise in franchises where franchise.members.count > 1 {
            let title = name(franchise.title ?? "AniDB \(franchise.id)")
            lines.append("  \(quoted(title)):")
            lines.append("    anidb_id: \(franchise.members.map { String($0.aid) }.joined(separator: ", "))")
            lines.append(
                "    summary: \(quoted("The \(franchise.members.count) anime of this franchise on AniDB, \(franchise.members.count { $0.onDisk }) of them on disk."))"
            )
        }
        if !missing.isEmpty {
            lines.append("  \(quoted(name("Sequel Missing"))):")
            lines.append("    anidb_id: \(missing.map { String($0.aid) }.joined(separator: ", "))")
            lines.append("    summary: \(quoted("Anime on disk whose sequel is not."))")
        }
        if lines.count == 2 { lines[1] = "collections: {}" }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A YAML double-quoted scalar: any title is safe in it. YAML 1.2 reads a JSON string as one, so JSON's
    /// escaping is YAML's here.
    static func quoted(_ text: String) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .withoutEscapingSlashes
        return (try? encoder.encode(text)).map { String(decoding: $0, as: UTF8.self) } ?? "\"\""
    }
}
