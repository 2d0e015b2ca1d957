/// A franchise present on disk: every anime linked to one on disk by story relations, on disk or not, in order.
public struct LibraryFranchise: Sendable, Codable, Equatable {
    /// The first member (by start date), which names the franchise.
    public var id: Int
    public var title: String?
    public var members: [Member]

    public struct Member: Sendable, Codable, Equatable {
        public var aid: Int
        public var title: String?
        public var type: String?
        public var startDate: String?
        public var onDisk: Bool
        /// False when the mirror holds no document for it (its own relations are not followed).
        public var documented: Bool
    }

    /// Relations that make one franchise. `Same Setting`, `Character` and `Other` link too loosely (they would join
    /// unrelated shows through crossovers), so they are left out.
    public static let storyRelations: Set<String> = [
        "Sequel", "Prequel", "Side Story", "Parent Story", "Summary", "Full Story", "Alternative Version",
        "Alternative Setting",
    ]

    /// One franchise per connected group of anime on disk, largest first by files on disk, then by title.
    public static func build(onDisk: Set<Int>, catalog: MatchCatalog, maxMembers: Int = 200) -> [LibraryFranchise] {
        // Documents may state a relation only on one side: follow both.
        var reverse: [Int: [Int]] = [:]
        for anime in catalog.anime.values {
            for relation in anime.relations where storyRelations.contains(relation.type) {
                reverse[relation.aid, default: []].append(anime.aid)
            }
        }
        var assigned = Set<Int>()
        var franchises: [LibraryFranchise] = []
        for start in onDisk.sorted() where !assigned.contains(start) {
            var members: [Int] = [start]
            var seen: Set<Int> = [start]
            var head = 0
            while head < members.count, members.count < maxMembers {
                let current = members[head]
                head += 1
                var neighbours = reverse[current] ?? []
                if let anime = catalog.anime[current] {
                    neighbours += anime.relations.filter { storyRelations.contains($0.type) }.map(\.aid)
                }
                for next in neighbours where seen.insert(next).inserted && members.count < maxMembers {
                    members.append(next)
                }
            }
            assigned.formUnion(members)
            var relationTitles: [Int: String] = [:]
            for aid in members {
                for relation in catalog.anime[aid]?.relations ?? [] { relationTitles[relation.aid] = relation.title }
            }
            let list = members.map { aid in
                let anime = catalog.anime[aid]
                return Member(
                    aid: aid,
                    title: catalog.title(of: aid) ?? relationTitles[aid],
                    type: anime?.type,
                    startDate: anime?.startDate,
                    onDisk: onDisk.contains(aid),
                    documented: anime != nil
                )
            }
            .sorted { ($0.startDate ?? "9999", $0.aid) < ($1.startDate ?? "9999", $1.aid) }
            franchises.append(LibraryFranchise(id: list[0].aid, title: list[0].title, members: list))
        }
        return franchises.sorted { ($0.title ?? "", $0.id) < ($1.title ?? "", $1.id) }
    }
}
