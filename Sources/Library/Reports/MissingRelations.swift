import Foundation

/// An anime on disk and the related anime that are not.
public struct MissingRelations: Sendable, Codable, Equatable {
    public var aid: Int
    public var title: String?
    public var missing: [Missing]

    public struct Missing: Sendable, Codable, Equatable {
        public var aid: Int
        public var title: String?
        /// AniDB's exact relation string (`Sequel`, `Side Story`…).
        public var relation: String
        /// `sonarr` or `radarr` when an admin can hand it to that program (set by the app, not the report).
        public var sendTo: String? = nil
    }
}

/// What the missing-sequels report found, and what it could not tell yet.
public struct MissingRelationsReport: Sendable {
    public var entries: [MissingRelations]
    /// Anime on disk whose document the mirror does not hold yet: their relations are unknown until it is fetched.
    public var undocumented: [Int]
    /// Documents worth fetching: the undocumented anime on disk, then the missing anime themselves.
    public var wanted: [Int]

    /// For every anime with files on disk, the relations of `types` whose target has no file on disk.
    /// Targets the mirror holds no document for are named with what the titles dump (or the relation) says.
    public init(onDisk: Set<Int>, catalog: MatchCatalog, types: Set<String> = ["Sequel"]) {
        var entries: [MissingRelations] = []
        var undocumented: [Int] = []
        var wantedTargets: [Int] = []
        var seen = Set<Int>()
        for aid in onDisk.sorted() {
            guard let anime = catalog.anime[aid] else {
                undocumented.append(aid)
                continue
            }
            var missing: [MissingRelations.Missing] = []
            for relation in anime.relations where types.contains(relation.type) && !onDisk.contains(relation.aid) {
                guard !missing.contains(where: { $0.aid == relation.aid }) else { continue }
                missing.append(.init(aid: relation.aid, title: catalog.title(of: relation.aid) ?? relation.title, relation: relation.type))
                if catalog.anime[relation.aid] == nil, seen.insert(relation.aid).inserted { wantedTargets.append(relation.aid) }
            }
            if !missing.isEmpty { entries.append(MissingRelations(aid: aid, title: catalog.title(of: aid), missing: missing)) }
        }
        entries.sort { ($0.title ?? "", $0.aid) < ($1.title ?? "", $1.aid) }
        self.entries = entries
        self.undocumented = undocumented
        wanted = undocumented + wantedTargets
    }

    /// `sequel,side-story` or `Sequel,Side Story` → AniDB's relation strings; `all` → nil (every type).
    public static func relationTypes(_ text: String?) -> Set<String>? {
        guard let text, !text.isEmpty else { return ["Sequel"] }
        if text.lowercased() == "all" { return nil }
        var types = Set<String>()
        for part in text.split(separator: ",") {
            let words = part.trimmingCharacters(in: .whitespaces).split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
            guard !words.isEmpty else { continue }
            types.insert(words.map { $0.prefix(1).uppercased() + $0.dropFirst().lowercased() }.joined(separator: " "))
        }
        return types
    }
}
