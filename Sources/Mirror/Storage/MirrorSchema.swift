public import GRDB

/// The mirror's tables. Migrations are named and never edited once shipped; the app registers them
/// in its single `DatabaseMigrator` together with the other modules'.
public enum MirrorSchema {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("mirror.v1") { db in
            // The AniDB aid is the primary key: it is global, stable, and what every client asks by.
            try db.execute(
                sql: """
                    CREATE TABLE anime (
                        id INTEGER PRIMARY KEY,
                        type TEXT,
                        episodeCount INTEGER,
                        startDate TEXT,
                        endDate TEXT,
                        isRestricted BOOLEAN NOT NULL,
                        isAdult BOOLEAN NOT NULL,
                        mainTitle TEXT,
                        url TEXT,
                        picture TEXT,
                        description TEXT,
                        ratingPermanent REAL, ratingPermanentCount INTEGER,
                        ratingTemporary REAL, ratingTemporaryCount INTEGER,
                        ratingReview REAL, ratingReviewCount INTEGER,
                        newestUpdate TEXT,
                        etag TEXT NOT NULL,
                        fetchedAt REAL NOT NULL,
                        storedAt REAL NOT NULL
                    );
                    CREATE TABLE document (
                        animeId INTEGER PRIMARY KEY REFERENCES anime(id) ON DELETE CASCADE,
                        xml BLOB NOT NULL,
                        matureSafeXml BLOB
                    );
                    -- Child rows are clustered by anime (primary key animeId, position, WITHOUT ROWID): one B-tree
                    -- instead of a rowid table plus an animeId index, so import writes less and reading one anime's
                    -- rows is one range scan.
                    CREATE TABLE title (
                        animeId INTEGER NOT NULL REFERENCES anime(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        language TEXT NOT NULL,
                        type TEXT NOT NULL,
                        text TEXT NOT NULL,
                        normalized TEXT NOT NULL,
                        PRIMARY KEY (animeId, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX title_normalized ON title(normalized);
                    CREATE TABLE tag (
                        animeId INTEGER NOT NULL REFERENCES anime(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        kind TEXT NOT NULL,
                        tagId INTEGER NOT NULL,
                        parentId INTEGER,
                        name TEXT NOT NULL,
                        nameKey TEXT NOT NULL,
                        weight INTEGER NOT NULL,
                        -- The anime's adult flag, copied here (it changes only with the document, which rewrites
                        -- these rows) so tag listings filter mature content from the index alone.
                        animeIsAdult BOOLEAN NOT NULL,
                        localSpoiler BOOLEAN NOT NULL,
                        globalSpoiler BOOLEAN NOT NULL,
                        verified BOOLEAN NOT NULL,
                        updatedOn TEXT,
                        PRIMARY KEY (animeId, position)
                    ) WITHOUT ROWID;
                    -- Both cover their queries: index entries end with the primary key, so animeId comes free.
                    CREATE INDEX tag_kind_tagId_weight ON tag(kind, tagId, weight DESC, animeId, animeIsAdult);
                    CREATE INDEX tag_nameKey_weight ON tag(nameKey, weight, animeIsAdult);
                    CREATE TABLE relation (
                        animeId INTEGER NOT NULL REFERENCES anime(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        relatedAnimeId INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        relatedTitle TEXT NOT NULL,
                        PRIMARY KEY (animeId, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX relation_relatedAnimeId ON relation(relatedAnimeId);
                    CREATE TABLE episode (
                        id INTEGER PRIMARY KEY,
                        animeId INTEGER NOT NULL REFERENCES anime(id) ON DELETE CASCADE,
                        number TEXT NOT NULL,
                        type INTEGER NOT NULL,
                        length INTEGER,
                        airDate TEXT,
                        rating REAL,
                        votes INTEGER,
                        updatedOn TEXT,
                        titles TEXT NOT NULL
                    );
                    CREATE INDEX episode_animeId ON episode(animeId);
                    CREATE TABLE resource (
                        animeId INTEGER NOT NULL REFERENCES anime(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        type INTEGER NOT NULL,
                        identifiers TEXT NOT NULL,
                        url TEXT,
                        PRIMARY KEY (animeId, position)
                    ) WITHOUT ROWID;
                    CREATE TABLE creator (
                        animeId INTEGER NOT NULL REFERENCES anime(id) ON DELETE CASCADE,
                        position INTEGER NOT NULL,
                        creatorId INTEGER NOT NULL,
                        type TEXT NOT NULL,
                        name TEXT NOT NULL,
                        PRIMARY KEY (animeId, position)
                    ) WITHOUT ROWID;
                    -- What the seed import last saw of each file, so an unchanged file is skipped unread.
                    CREATE TABLE seedFile (
                        path TEXT PRIMARY KEY,
                        size INTEGER NOT NULL,
                        modifiedAt REAL NOT NULL,
                        animeId INTEGER
                    );
                    -- Aids clients asked for that we have no document for (fetching them is the refresher's work).
                    CREATE TABLE wantedAnime (
                        id INTEGER PRIMARY KEY,
                        firstRequestedAt REAL NOT NULL,
                        lastRequestedAt REAL NOT NULL,
                        requestCount INTEGER NOT NULL
                    );
                    -- Indexes a bulk import dropped and has yet to rebuild; kept so a crash mid-import is repaired.
                    CREATE TABLE pendingIndex (
                        name TEXT PRIMARY KEY,
                        sql TEXT NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("mirror.v2") { db in
            // Mirror II: the persistent refresh queue, the upstream request log and the ban state. The wanted aids
            // Mirror I recorded become the queue's first entries.
            try db.execute(
                sql: """
                    CREATE TABLE refreshQueue (
                        animeId INTEGER PRIMARY KEY,
                        -- 0: a client asked for an aid we do not have; 1: a client was served a stale document.
                        priority INTEGER NOT NULL,
                        enqueuedAt REAL NOT NULL,
                        requestCount INTEGER NOT NULL,
                        -- Failed upstream attempts for this aid; it leaves the queue after a few.
                        attempts INTEGER NOT NULL DEFAULT 0
                    );
                    CREATE INDEX refreshQueue_order ON refreshQueue(priority, enqueuedAt, animeId);
                    INSERT INTO refreshQueue (animeId, priority, enqueuedAt, requestCount)
                        SELECT id, 0, firstRequestedAt, requestCount FROM wantedAnime;
                    DROP TABLE wantedAnime;
                    -- Every upstream attempt, written before the request goes out, so a crash still counts it.
                    CREATE TABLE upstreamRequest (
                        id INTEGER PRIMARY KEY,
                        startedAt REAL NOT NULL,
                        target TEXT NOT NULL,
                        animeId INTEGER,
                        outcome TEXT,
                        detail TEXT
                    );
                    CREATE INDEX upstreamRequest_startedAt ON upstreamRequest(startedAt);
                    CREATE INDEX upstreamRequest_animeId ON upstreamRequest(animeId, startedAt);
                    -- One row: what stops or slows the fetcher, and the titles dump's last download.
                    CREATE TABLE upstreamState (
                        id INTEGER PRIMARY KEY CHECK (id = 1),
                        bannedUntil REAL,
                        banReason TEXT,
                        backoffUntil REAL,
                        consecutiveFailures INTEGER NOT NULL DEFAULT 0,
                        clientError TEXT,
                        clientErrorFor TEXT,
                        lastError TEXT,
                        lastErrorAt REAL,
                        titlesWanted BOOLEAN NOT NULL DEFAULT 0,
                        titlesAttemptedAt REAL,
                        titlesFetchedAt REAL
                    );
                    INSERT INTO upstreamState (id) VALUES (1);
                    -- Aids AniDB answered "Anime not found" for, and when.
                    CREATE TABLE missingAnime (
                        animeId INTEGER PRIMARY KEY,
                        checkedAt REAL NOT NULL
                    );
                    -- AniDB's daily titles dump: every anime's titles, including anime we have no document for.
                    CREATE TABLE dumpTitle (
                        animeId INTEGER NOT NULL,
                        position INTEGER NOT NULL,
                        language TEXT NOT NULL,
                        type TEXT NOT NULL,
                        text TEXT NOT NULL,
                        normalized TEXT NOT NULL,
                        PRIMARY KEY (animeId, position)
                    ) WITHOUT ROWID;
                    CREATE INDEX dumpTitle_normalized ON dumpTitle(normalized);
                    """
            )
        }
        migrator.registerMigration("mirror.images.v1") { db in
            // Poster downloads from AniDB's image CDN: a separate budget from the API's. A refused or missing picture
            // (403/404) is remembered so it is never asked again; the rows of the last 24 h are the day's budget.
            try db.execute(
                sql: """
                    CREATE TABLE imageDownload (
                        name TEXT PRIMARY KEY,
                        status INTEGER NOT NULL,
                        attemptedAt REAL NOT NULL
                    );
                    CREATE INDEX imageDownload_attemptedAt ON imageDownload(attemptedAt);
                    """
            )
        }
        migrator.registerMigration("mirror.mapping.v1") { db in
            // The community mapping (Anime-Lists' anime-list-master.xml, Kometa's anime_ids.json): the files live in
            // the data folder; here is what the last download of each said (for its conditional GET and for
            // /mirror), and the admin's corrections, which no download replaces.
            try db.execute(
                sql: """
                    CREATE TABLE mappingFile (
                        name TEXT PRIMARY KEY,
                        etag TEXT,
                        lastModified TEXT,
                        fetchedAt REAL,
                        attemptedAt REAL,
                        entries INTEGER,
                        error TEXT,
                        errorAt REAL
                    );
                    CREATE TABLE mappingCorrection (
                        animeId INTEGER PRIMARY KEY,
                        tvdbId INTEGER,
                        tvdbSeason INTEGER,
                        tvdbOffset INTEGER,
                        tmdbTv INTEGER,
                        tmdbSeason INTEGER,
                        tmdbOffset INTEGER,
                        changedAt REAL NOT NULL
                    );
                    """
            )
        }
    }

    /// Secondary indexes a bulk import drops and rebuilds afterwards: building an index from sorted data is several
    /// times faster than updating it row by row (985,000 tag rows: 8.3 s with the indexes, 4.8 s without plus the
    /// rebuild). Primary keys and `episode_animeId` (which replacing a document deletes by) always stay.
    static let bulkLoadIndexes = ["title_normalized", "tag_kind_tagId_weight", "tag_nameKey_weight", "relation_relatedAnimeId"]

    /// Drops the bulk-load indexes, remembering their definitions in `pendingIndex` in the same transaction.
    public static func dropIndexesForBulkLoad(_ db: Database) throws {
        for name in bulkLoadIndexes {
            guard
                let sql = try String.fetchOne(
                    db,
                    sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND name = ?",
                    arguments: [name]
                )
            else { continue }
            try db.execute(sql: "INSERT OR REPLACE INTO pendingIndex (name, sql) VALUES (?, ?)", arguments: [name, sql])
            try db.execute(sql: "DROP INDEX \(name)")
        }
    }

    /// Rebuilds whatever a bulk import dropped. Run after every import and when the database opens, so an
    /// import that died midway leaves no index missing.
    public static func restoreIndexes(_ db: Database) throws {
        let pending = try PendingIndexRow.fetchAll(db, sql: "SELECT name, sql FROM pendingIndex")
        guard !pending.isEmpty else { return }
        // CREATE INDEX sorts with a second thread only when the rows overflow the sorter's memory, which follows
        // the page cache size: a small cache during the build splits the sort so both cores work on it (a quarter
        // faster for the 985,000 tag rows of a 20,000-anime import).
        try db.withTemporaryPragmas(["threads": 2, "cache_size": -4096]) {
            for index in pending {
                let name = index.name
                let sql = index.sql
                let exists =
                    try Bool.fetchOne(
                        db,
                        sql: "SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?",
                        arguments: [name]
                    ) ?? false
                if !exists { try db.execute(sql: sql) }
                try db.execute(sql: "DELETE FROM pendingIndex WHERE name = ?", arguments: [name])
            }
        }
    }
}

/// A row of `pendingIndex`: an index a bulk import dropped, and the statement that makes it again.
private struct PendingIndexRow: FetchableRecord, Decodable {
    var name: String
    var sql: String
}
