import Foundation
public import GRDB

/// The mirror's tables behind one `DatabaseWriter` (a `DatabasePool` in production, a `DatabaseQueue` in tests).
///
/// Every write method is exactly one transaction, so a crash leaves each document either wholly old or wholly new.
public struct MirrorStore: Sendable {
    let writer: any DatabaseWriter
    /// Hot documents in memory; nil serves every request from the database.
    let cache: DocumentCache?

    /// How many aids may wait for a fetch at once; past that, requests for unknown aids are refused
    /// rather than letting a client grow the table without bound.
    public static let wantedCapacity = 50_000

    public init(writer: any DatabaseWriter, cache: DocumentCache? = nil) {
        self.writer = writer
        self.cache = cache
    }

    // MARK: - Writing documents

    /// Stores documents and the seed-file states that produced them, in one transaction.
    /// `newAIDs` lists aids known to have no stored rows yet, whose deletes can be skipped.
    public func store(
        _ documents: [StoredDocument],
        seedFiles: [SeedFileState] = [],
        newAIDs: Set<Int> = [],
        now: Double
    ) throws {
        try writer.write { db in
            for document in documents {
                try Self.store(document, in: db, replacing: !newAIDs.contains(document.document.aid), now: now)
            }
            for file in seedFiles { try Self.record(file, in: db) }
        }
        cache?.invalidate(documents.map(\.document.aid))
    }

    static func record(_ file: SeedFileState, in db: Database) throws {
        try StatementBinder.run(
            db.cachedStatement(
                sql: "INSERT OR REPLACE INTO seedFile (path, size, modifiedAt, animeId) VALUES (?, ?, ?, ?)"
            )
        ) {
            $0.bind(file.path)
            $0.bind(file.size)
            $0.bind(file.modifiedAt)
            $0.bind(file.aid)
        }
    }

    static func store(_ stored: StoredDocument, in db: Database, replacing: Bool, now: Double) throws {
        let doc = stored.document
        let isAdult = doc.isAdult  // computed once: it scans every tag
        if replacing {
            // Replacing a document replaces all of its rows. Children are deleted explicitly (not by cascade)
            // so bulk imports may run with foreign keys off.
            for table in ["title", "tag", "relation", "episode", "resource", "creator", "document"] {
                try StatementBinder.run(db.cachedStatement(sql: "DELETE FROM \(table) WHERE animeId = ?")) {
                    $0.bind(doc.aid)
                }
            }
            try StatementBinder.run(db.cachedStatement(sql: "DELETE FROM anime WHERE id = ?")) { $0.bind(doc.aid) }
        }
        func rating(_ kind: String) -> AnimeDocument.Rating? { doc.ratings.first { $0.kind == kind } }
        let permanent = rating("permanent")
        let temporary = rating("temporary")
        let review = rating("review")
        try StatementBinder.run(
            db.cachedStatement(
                sql: """
                    INSERT INTO anime (id, type, episodeCount, startDate, endDate, isRestricted, isAdult, mainTitle, url, picture,
                        description, ratingPermanent, ratingPermanentCount, ratingTemporary, ratingTemporaryCount, ratingReview,
                        ratingReviewCount, newestUpdate, etag, fetchedAt, storedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
        ) {
            $0.bind(doc.aid)
            $0.bind(doc.type)
            $0.bind(doc.episodeCount)
            $0.bind(doc.startDate)
            $0.bind(doc.endDate)
            $0.bind(doc.isRestricted)
            $0.bind(isAdult)
            $0.bind(doc.mainTitle)
            $0.bind(doc.url)
            $0.bind(doc.picture)
            $0.bind(doc.description)
            $0.bind(permanent?.value)
            $0.bind(permanent?.count)
            $0.bind(temporary?.value)
            $0.bind(temporary?.count)
            $0.bind(review?.value)
            $0.bind(review?.count)
            $0.bind(doc.newestUpdate)
            $0.bind(stored.etag)
            $0.bind(stored.fetchedAt)
            $0.bind(now)
        }
        try StatementBinder.run(
            db.cachedStatement(sql: "INSERT INTO document (animeId, xml, matureSafeXml) VALUES (?, ?, ?)"),
            key: doc.aid,
            blob: stored.xml,
            blob: stored.matureSafeXml
        )
        let title = try db.cachedStatement(
            sql: "INSERT INTO title (animeId, position, language, type, text, normalized) VALUES (?, ?, ?, ?, ?, ?)"
        )
        for (position, (item, normalized)) in zip(doc.titles, stored.normalizedTitles).enumerated() {
            try StatementBinder.run(title) {
                $0.bind(doc.aid)
                $0.bind(position)
                $0.bind(item.language)
                $0.bind(item.type)
                $0.bind(item.text)
                $0.bind(normalized)
            }
        }
        let tag = try db.cachedStatement(
            sql: """
                INSERT INTO tag (animeId, position, kind, tagId, parentId, name, nameKey, weight, animeIsAdult,
                    localSpoiler, globalSpoiler, verified, updatedOn) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for (position, (item, key)) in zip(doc.tags, stored.tagKeys).enumerated() {
            try StatementBinder.run(tag) {
                $0.bind(doc.aid)
                $0.bind(position)
                $0.bind(item.kind)
                $0.bind(item.id)
                $0.bind(item.parentId)
                $0.bind(item.name)
                $0.bind(key)
                $0.bind(item.weight)
                $0.bind(isAdult)
                $0.bind(item.localSpoiler)
                $0.bind(item.globalSpoiler)
                $0.bind(item.verified)
                $0.bind(item.update)
            }
        }
        let relation = try db.cachedStatement(
            sql: "INSERT INTO relation (animeId, position, relatedAnimeId, type, relatedTitle) VALUES (?, ?, ?, ?, ?)"
        )
        for (position, item) in doc.relations.enumerated() {
            try StatementBinder.run(relation) {
                $0.bind(doc.aid)
                $0.bind(position)
                $0.bind(item.aid)
                $0.bind(item.type)
                $0.bind(item.title)
            }
        }
        // An episode id that moved to another anime on AniDB moves here too.
        let episode = try db.cachedStatement(
            sql: """
                INSERT OR REPLACE INTO episode (id, animeId, number, type, length, airDate, rating, votes, updatedOn, titles)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """
        )
        for (item, titles) in zip(doc.episodes, stored.episodeTitlesJSON) {
            try StatementBinder.run(episode) {
                $0.bind(item.id)
                $0.bind(doc.aid)
                $0.bind(item.number)
                $0.bind(item.type.rawValue)
                $0.bind(item.length)
                $0.bind(item.airDate)
                $0.bind(item.rating)
                $0.bind(item.votes)
                $0.bind(item.update)
                $0.bind(titles)
            }
        }
        let resource = try db.cachedStatement(
            sql: "INSERT INTO resource (animeId, position, type, identifiers, url) VALUES (?, ?, ?, ?, ?)"
        )
        for (position, item) in doc.resources.enumerated() {
            try StatementBinder.run(resource) {
                $0.bind(doc.aid)
                $0.bind(position)
                $0.bind(item.type)
                $0.bind(JSONText.array(item.identifiers))
                $0.bind(item.url)
            }
        }
        let creator = try db.cachedStatement(
            sql: "INSERT INTO creator (animeId, position, creatorId, type, name) VALUES (?, ?, ?, ?, ?)"
        )
        for (position, item) in doc.creators.enumerated() {
            try StatementBinder.run(creator) {
                $0.bind(doc.aid)
                $0.bind(position)
                $0.bind(item.id)
                $0.bind(item.type)
                $0.bind(item.name)
            }
        }
        // A document that arrives satisfies whoever was waiting for it.
        try StatementBinder.run(db.cachedStatement(sql: "DELETE FROM refreshQueue WHERE animeId = ?")) { $0.bind(doc.aid) }
    }

    // MARK: - Seed state

    public func seedFileStates() throws -> [String: SeedFileState] {
        try writer.read { db in
            var states: [String: SeedFileState] = [:]
            let rows = try SeedFileRow.fetchCursor(db, sql: "SELECT path, size, modifiedAt, animeId FROM seedFile")
            while let row = try rows.next() {
                states[row.path] = SeedFileState(path: row.path, size: row.size, modifiedAt: row.modifiedAt, aid: row.animeId)
            }
            return states
        }
    }
}

/// A row of `seedFile`.
private struct SeedFileRow: FetchableRecord, Decodable {
    var path: String
    var size: Int
    var modifiedAt: Double
    var animeId: Int?
}
