public import GRDB

/// The library's tables: the files found in `library.media_dirs` and the series they group into.
public enum LibrarySchema {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("library.v1") { db in
            try db.execute(
                sql: """
                    -- One row per series: files grouped by normalised title and season.
                    CREATE TABLE librarySeries (
                        id INTEGER PRIMARY KEY,
                        normalizedTitle TEXT NOT NULL,
                        season TEXT NOT NULL,
                        title TEXT NOT NULL,
                        UNIQUE (normalizedTitle, season)
                    );
                    -- One row per video file. The id survives a move or rename within the library (same size and
                    -- content fingerprint), so whatever is attached to a file follows it.
                    CREATE TABLE libraryFile (
                        id INTEGER PRIMARY KEY,
                        path TEXT NOT NULL UNIQUE,
                        root TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        modifiedAt REAL NOT NULL,
                        fingerprint TEXT NOT NULL,
                        seriesId INTEGER REFERENCES librarySeries(id),
                        title TEXT,
                        season TEXT,
                        episode TEXT,
                        parsed TEXT NOT NULL,
                        firstSeenAt REAL NOT NULL,
                        scannedAt REAL NOT NULL
                    );
                    CREATE INDEX libraryFile_seriesId ON libraryFile(seriesId);
                    CREATE INDEX libraryFile_size ON libraryFile(size, fingerprint);
                    """
            )
        }
        migrator.registerMigration("library.v2") { db in
            try db.execute(
                sql: """
                    -- The matcher's latest answer for each file: the best candidate, how sure it is, and the others.
                    CREATE TABLE fileMatch (
                        fileId INTEGER PRIMARY KEY REFERENCES libraryFile(id) ON DELETE CASCADE,
                        aid INTEGER,
                        episode TEXT,
                        confidence REAL NOT NULL,
                        source TEXT NOT NULL,
                        applied BOOLEAN NOT NULL,
                        candidates TEXT NOT NULL,
                        note TEXT,
                        matchedAt REAL NOT NULL
                    );
                    CREATE INDEX fileMatch_aid ON fileMatch(aid);
                    -- A person's choice for a whole series. Keyed like the series itself (normalised title and
                    -- season), not by its row id, so it outlives a rescan that empties and refills the series.
                    CREATE TABLE seriesOverride (
                        normalizedTitle TEXT NOT NULL,
                        season TEXT NOT NULL,
                        aid INTEGER NOT NULL,
                        createdAt REAL NOT NULL,
                        PRIMARY KEY (normalizedTitle, season)
                    );
                    -- A person's choice for one file. File ids survive renames and moves within the library.
                    CREATE TABLE fileOverride (
                        fileId INTEGER PRIMARY KEY REFERENCES libraryFile(id) ON DELETE CASCADE,
                        aid INTEGER NOT NULL,
                        episode TEXT,
                        createdAt REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("library.v3") { db in
            // File ids are never reused (AUTOINCREMENT), so a stream link or watch state kept for a deleted file
            // never reaches another one; and a file whose folder cannot be read is kept, marked offline.
            // SQLite cannot add AUTOINCREMENT to a table, so it is rebuilt (GRDB runs migrations with foreign keys
            // off, so dropping the old table cascades nothing).
            try db.execute(
                sql: """
                    CREATE TABLE libraryFile_new (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        path TEXT NOT NULL UNIQUE,
                        root TEXT NOT NULL,
                        size INTEGER NOT NULL,
                        modifiedAt REAL NOT NULL,
                        fingerprint TEXT NOT NULL,
                        seriesId INTEGER REFERENCES librarySeries(id),
                        title TEXT,
                        season TEXT,
                        episode TEXT,
                        parsed TEXT NOT NULL,
                        firstSeenAt REAL NOT NULL,
                        scannedAt REAL NOT NULL,
                        offline BOOLEAN NOT NULL DEFAULT 0
                    );
                    INSERT INTO libraryFile_new (id, path, root, size, modifiedAt, fingerprint, seriesId, title, season,
                        episode, parsed, firstSeenAt, scannedAt)
                    SELECT id, path, root, size, modifiedAt, fingerprint, seriesId, title, season, episode, parsed,
                        firstSeenAt, scannedAt
                    FROM libraryFile;
                    DROP TABLE libraryFile;
                    ALTER TABLE libraryFile_new RENAME TO libraryFile;
                    CREATE INDEX libraryFile_seriesId ON libraryFile(seriesId);
                    CREATE INDEX libraryFile_size ON libraryFile(size, fingerprint);
                    """
            )
        }
        migrator.registerMigration("library.v4") { db in
            try db.execute(
                sql: """
                    -- Work a change to the index made necessary, recorded in the same transaction as the change, so a
                    -- crash before the work is done leaves it to be resumed at start-up. kind: 'match'.
                    CREATE TABLE libraryPendingWork (
                        kind TEXT PRIMARY KEY,
                        since REAL NOT NULL
                    );
                    """
            )
        }
        migrator.registerMigration("library.v5-numbering") { db in
            // Matcher II: how each match was made (tag, mapping, title, sequel chain, by hand) and, for files named
            // in TVDB or TMDB numbering, that numbering and the mapping's rule, as JSON.
            try db.execute(
                sql: """
                    ALTER TABLE fileMatch ADD COLUMN method TEXT NOT NULL DEFAULT 'title';
                    ALTER TABLE fileMatch ADD COLUMN numbering TEXT;
                    """
            )
        }
        migrator.registerMigration("library.v6-hints") { db in
            // Library events: what Sonarr's or Radarr's webhook said a file is (series or movie ids, season and
            // episodes), as JSON; it stays with the file through renames and moves.
            // A hint for a file not seen yet (a webhook faster than the file system, a network mount) waits here
            // for the scan that finds it.
            try db.execute(
                sql: """
                    ALTER TABLE libraryFile ADD COLUMN hint TEXT;
                    CREATE TABLE libraryPendingHint (
                        path TEXT PRIMARY KEY,
                        hint TEXT NOT NULL,
                        receivedAt REAL NOT NULL
                    );
                    """
            )
        }
    }
}
