internal import GRDB

/// Where a wanted aid stands in the queue.
public struct WantedPosition: Sendable, Equatable {
    public var position: Int
    public var queueSize: Int
}

extension MirrorStore {
    /// The document for `aid`: the original bytes with `mature`, else the prepared variant without adult tags.
    public func servedDocument(aid: Int, mature: Bool) async throws -> ServedBuffer? {
        try servedBuffer(aid: aid, mature: mature)
    }

    /// Records that a client asked for an aid we have no document for. Idempotent per aid.
    /// Returns nil when the queue is at capacity.
    public func recordWanted(aid: Int, now: Double) async throws -> WantedPosition? {
        try await writer.write { db in
            let exists = try Bool.fetchOne(db, sql: "SELECT 1 FROM wantedAnime WHERE id = ?", arguments: [aid]) ?? false
            if !exists {
                let size = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wantedAnime") ?? 0
                if size >= Self.wantedCapacity { return nil }
            }
            try db.execute(
                sql: """
                    INSERT INTO wantedAnime (id, firstRequestedAt, lastRequestedAt, requestCount) VALUES (?, ?, ?, 1)
                    ON CONFLICT(id) DO UPDATE SET lastRequestedAt = excluded.lastRequestedAt, requestCount = requestCount + 1
                    """,
                arguments: [aid, now, now]
            )
            let position =
                try Int.fetchOne(
                    db,
                    sql: """
                        SELECT COUNT(*) FROM wantedAnime
                        WHERE firstRequestedAt < (SELECT firstRequestedAt FROM wantedAnime WHERE id = ?)
                           OR (firstRequestedAt = (SELECT firstRequestedAt FROM wantedAnime WHERE id = ?) AND id <= ?)
                        """,
                    arguments: [aid, aid, aid]
                ) ?? 1
            let size = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM wantedAnime") ?? 0
            return WantedPosition(position: position, queueSize: size)
        }
    }

    public func wantedAIDs() async throws -> [Int] {
        try await writer.read { db in
            try Int.fetchAll(db, sql: "SELECT id FROM wantedAnime ORDER BY firstRequestedAt, id")
        }
    }

    public struct Counts: Sendable, Codable, Equatable {
        public var anime: Int
        public var restricted: Int
        public var titles: Int
        public var tags: Int
        public var episodes: Int
        public var relations: Int
        public var wanted: Int
    }

    public func counts() async throws -> Counts {
        try await writer.read { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return Counts(
                anime: try count("SELECT COUNT(*) FROM anime"),
                restricted: try count("SELECT COUNT(*) FROM anime WHERE isAdult"),
                titles: try count("SELECT COUNT(*) FROM title"),
                tags: try count("SELECT COUNT(*) FROM tag"),
                episodes: try count("SELECT COUNT(*) FROM episode"),
                relations: try count("SELECT COUNT(*) FROM relation"),
                wanted: try count("SELECT COUNT(*) FROM wantedAnime")
            )
        }
    }
}
