internal import GRDB

extension MirrorStore {
    /// The document for `aid`: the original bytes with `mature`, else the prepared variant without adult tags.
    public func servedDocument(aid: Int, mature: Bool) async throws -> ServedBuffer? {
        try await servedBuffer(aid: aid, mature: mature)
    }

    public struct Counts: Sendable, Codable, Equatable {
        public var anime: Int
        public var restricted: Int
        public var titles: Int
        public var tags: Int
        public var episodes: Int
        public var relations: Int
        /// Aids waiting in the refresh queue.
        public var queued: Int
        /// Anime known only from the titles dump.
        public var dumpAnime: Int
    }

    public func counts() async throws -> Counts {
        try await writer.readOffCooperativePool { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return Counts(
                anime: try count("SELECT COUNT(*) FROM anime"),
                restricted: try count("SELECT COUNT(*) FROM anime WHERE isAdult"),
                titles: try count("SELECT COUNT(*) FROM title"),
                tags: try count("SELECT COUNT(*) FROM tag"),
                episodes: try count("SELECT COUNT(*) FROM episode"),
                relations: try count("SELECT COUNT(*) FROM relation"),
                queued: try count("SELECT COUNT(*) FROM refreshQueue"),
                dumpAnime: try count("SELECT COUNT(DISTINCT animeId) FROM dumpTitle")
            )
        }
    }

    /// What `/stats` and `/metrics` show, without counting the big child tables (`counts()` walks a million tag
    /// rows on a full mirror; these are asked for at every scrape).
    struct StatusCounts {
        var anime: Int
        var restricted: Int
        var queued: Int
        var dumpAnime: Int
    }

    func statusCounts() async throws -> StatusCounts {
        try await writer.readOffCooperativePool { db in
            func count(_ sql: String) throws -> Int { try Int.fetchOne(db, sql: sql) ?? 0 }
            return StatusCounts(
                anime: try count("SELECT COUNT(*) FROM anime"),
                restricted: try count("SELECT COUNT(*) FROM anime WHERE isAdult"),
                queued: try count("SELECT COUNT(*) FROM refreshQueue"),
                dumpAnime: try count("SELECT COUNT(DISTINCT animeId) FROM dumpTitle")
            )
        }
    }
}
