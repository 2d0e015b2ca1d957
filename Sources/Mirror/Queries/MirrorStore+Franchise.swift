internal import GRDB

/// The transitive relation graph around one anime (`/api/anime/{aid}/franchise`).
public struct Franchise: Sendable, Codable, Equatable {
    public var root: Int
    public var nodes: [Node]
    public var edges: [Edge]
    /// True when the walk stopped at `maxNodes` before seeing everything.
    public var truncated: Bool

    public struct Node: Sendable, Codable, Equatable {
        public var aid: Int
        public var title: String?
        public var type: String?
        public var startDate: String?
        /// Relation steps from the root.
        public var depth: Int
        /// False for aids that documents point to but we hold no document for.
        public var known: Bool
        public var restricted: Bool
    }

    public struct Edge: Sendable, Codable, Equatable {
        public var from: Int
        public var to: Int
        /// AniDB's exact relation string, as stated by the `from` document.
        public var type: String
    }
}

extension MirrorStore {
    /// Walks relations in both directions (a document may list a relation its partner does not), breadth first,
    /// so each node's depth is its shortest distance from the root. Cycles are visited once.
    public func franchise(aid: Int, maxNodes: Int = 1_000) async throws -> Franchise? {
        try await writer.readOffCooperativePool { db in
            let animeStatement = try db.cachedStatement(
                sql: "SELECT mainTitle, type, startDate, isAdult FROM anime WHERE id = ?"
            )
            guard try Row.fetchOne(animeStatement, arguments: [aid]) != nil else { return nil }
            let outgoing = try db.cachedStatement(
                sql: "SELECT relatedAnimeId, type, relatedTitle FROM relation WHERE animeId = ? ORDER BY position"
            )
            let incoming = try db.cachedStatement(sql: "SELECT animeId FROM relation WHERE relatedAnimeId = ?")
            var depth: [Int: Int] = [aid: 0]
            var order: [Int] = [aid]
            var fallbackTitle: [Int: String] = [:]
            var edges: [Franchise.Edge] = []
            var queue = [aid]
            var head = 0
            var truncated = false
            while head < queue.count {
                let current = queue[head]
                head += 1
                guard try Row.fetchOne(animeStatement, arguments: [current]) != nil else { continue }  // unknown: leaf
                var neighbours: [Int] = []
                for row in try RelationRow.fetchAll(outgoing, arguments: [current]) {
                    let target = row.relatedAnimeId
                    edges.append(.init(from: current, to: target, type: row.type))
                    if fallbackTitle[target] == nil { fallbackTitle[target] = row.relatedTitle }
                    neighbours.append(target)
                }
                neighbours += try Int.fetchAll(incoming, arguments: [current])
                for next in neighbours where depth[next] == nil {
                    guard order.count < maxNodes else {
                        truncated = true
                        break
                    }
                    depth[next] = depth[current]! + 1
                    order.append(next)
                    queue.append(next)
                }
            }
            // Keep only edges between nodes in the graph, each stated once.
            var seen = Set<String>()
            edges = edges.filter { depth[$0.from] != nil && depth[$0.to] != nil && seen.insert("\($0.from)>\($0.to)>\($0.type)").inserted }
            let nodes = try order.map { id -> Franchise.Node in
                if let row = try FranchiseAnimeRow.fetchOne(animeStatement, arguments: [id]) {
                    return .init(
                        aid: id,
                        title: row.mainTitle,
                        type: row.type,
                        startDate: row.startDate,
                        depth: depth[id]!,
                        known: true,
                        restricted: row.isAdult
                    )
                }
                return .init(
                    aid: id,
                    title: fallbackTitle[id],
                    type: nil,
                    startDate: nil,
                    depth: depth[id]!,
                    known: false,
                    restricted: false
                )
            }
            return Franchise(root: aid, nodes: nodes, edges: edges, truncated: truncated)
        }
    }
}
