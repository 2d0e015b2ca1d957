import Foundation
public import GRDB

/// A file as stored in the library index.
public struct LibraryFile: Sendable, Codable, Equatable {
    public var id: Int64
    public var path: String
    /// The media folder the file was found in (`library.media_dirs`); the folders between it and the file are context.
    public var root: String
    public var size: Int
    public var modifiedAt: Double
    public var seriesId: Int64?
    public var title: String?
    public var season: String?
    public var episode: String?
    /// Every parsed element (Anitomy v2 names): a string, or an array of strings.
    public var parsed: [String: ParsedValue]
    /// True while the file's folder cannot be read (an unmounted disk): it is kept, with everything attached to it,
    /// but cannot be played.
    public var offline: Bool
    /// What Sonarr or Radarr said this file is (its webhook's series or movie and episodes): matched exactly.
    public var hint: FileHint? = nil
}

/// A parsed element's value: one string, or several.
public enum ParsedValue: Sendable, Codable, Equatable {
    case one(String)
    case many([String])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if let text = try? container.decode(String.self) {
            self = .one(text)
        } else {
            self = .many(try container.decode([String].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .one(let text): try container.encode(text)
        case .many(let list): try container.encode(list)
        }
    }
}

/// A series and its files.
public struct LibrarySeries: Sendable, Codable, Equatable {
    public var id: Int64
    public var title: String
    public var season: String
    public var files: [LibraryFile]
}

/// The library's tables behind one `DatabaseWriter`. Blocking; async callers get the reads and match overrides on the
/// `BlockingPool` (`LibraryIndex+Async.swift`).
public struct LibraryIndex: Sendable {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    struct Known {
        var id: Int64
        var size: Int
        var modifiedAt: Double
        var fingerprint: String
        var offline: Bool
    }

    func knownFiles() throws -> [String: Known] {
        try writer.read { db in try Self.known(db, filter: "", arguments: []) }
    }

    /// The known files at or under each of `paths`.
    func knownFiles(under paths: [String]) throws -> [String: Known] {
        guard !paths.isEmpty else { return [:] }
        let (filter, arguments) = Self.under(paths)
        return try writer.read { db in try Self.known(db, filter: "WHERE " + filter, arguments: arguments) }
    }

    /// An SQL condition for "at or under one of `paths`" (a path range per folder: `/` sorts just before `0`).
    static func under(_ paths: [String]) -> (sql: String, arguments: StatementArguments) {
        let sql = paths.map { _ in "(path = ? OR (path >= ? AND path < ?))" }.joined(separator: " OR ")
        var arguments: [String] = []
        for path in paths { arguments += [path, path + "/", path + "0"] }
        return (sql, StatementArguments(arguments))
    }

    private static func known(_ db: Database, filter: String, arguments: StatementArguments) throws -> [String: Known] {
        var known: [String: Known] = [:]
        let rows = try Row.fetchCursor(
            db,
            sql: "SELECT id, path, size, modifiedAt, fingerprint, offline FROM libraryFile " + filter,
            arguments: arguments
        )
        while let row = try rows.next() {
            known[row["path"]] = Known(
                id: row["id"],
                size: row["size"],
                modifiedAt: row["modifiedAt"],
                fingerprint: row["fingerprint"],
                offline: row["offline"]
            )
        }
        return known
    }

    /// What one scan changes, applied in one transaction.
    struct Changes {
        struct Entry {
            var file: FoundFile
            var fingerprint: String
            var parsed: ParsedFilename
            var title: String
            var season: String
        }

        var inserts: [Entry] = []
        /// Changed in place, or moved from another path: (id, entry).
        var updates: [(Int64, Entry)] = []
        var deletes: [Int64] = []
        /// Out of reach now, or seen again.
        var offline: [Int64] = []
        var online: [Int64] = []
    }

    func apply(_ changes: Changes, now: Double) throws {
        try writer.write { db in
            var seriesIDs: [String: Int64] = [:]
            func series(_ entry: Changes.Entry) throws -> Int64? {
                let key = Self.normalize(entry.title)
                guard !key.isEmpty else { return nil }
                let cacheKey = key + "\u{0}" + entry.season
                if let id = seriesIDs[cacheKey] { return id }
                try db.execute(
                    sql: """
                        INSERT INTO librarySeries (normalizedTitle, season, title) VALUES (?, ?, ?)
                        ON CONFLICT (normalizedTitle, season) DO NOTHING
                        """,
                    arguments: [key, entry.season, entry.title]
                )
                let id = try Int64.fetchOne(
                    db,
                    sql: "SELECT id FROM librarySeries WHERE normalizedTitle = ? AND season = ?",
                    arguments: [key, entry.season]
                )
                seriesIDs[cacheKey] = id
                return id
            }
            for id in changes.deletes {
                try db.execute(sql: "DELETE FROM libraryFile WHERE id = ?", arguments: [id])
            }
            for id in changes.offline {
                try db.execute(sql: "UPDATE libraryFile SET offline = 1 WHERE id = ?", arguments: [id])
            }
            for id in changes.online {
                try db.execute(sql: "UPDATE libraryFile SET offline = 0 WHERE id = ?", arguments: [id])
            }
            for (id, entry) in changes.updates {
                try db.execute(
                    sql: """
                        UPDATE libraryFile SET path = ?, root = ?, size = ?, modifiedAt = ?, fingerprint = ?, seriesId = ?,
                            title = ?, season = ?, episode = ?, parsed = ?, scannedAt = ?, offline = 0
                        WHERE id = ?
                        """,
                    arguments: [
                        entry.file.path, entry.file.root, entry.file.size, entry.file.modifiedAt, entry.fingerprint,
                        try series(entry), entry.title, entry.season, entry.parsed.first(.episode), entry.parsed.json, now,
                        id,
                    ]
                )
            }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO libraryFile (path, root, size, modifiedAt, fingerprint, seriesId, title, season, episode,
                        parsed, firstSeenAt, scannedAt)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """
            )
            for entry in changes.inserts {
                try insert.execute(arguments: [
                    entry.file.path, entry.file.root, entry.file.size, entry.file.modifiedAt, entry.fingerprint,
                    try series(entry), entry.title, entry.season, entry.parsed.first(.episode), entry.parsed.json, now, now,
                ])
            }
            // Hints that came before their files.
            if !changes.inserts.isEmpty || !changes.updates.isEmpty {
                try db.execute(
                    sql: """
                        UPDATE libraryFile SET hint = (SELECT hint FROM libraryPendingHint WHERE libraryPendingHint.path = libraryFile.path)
                        WHERE path IN (SELECT path FROM libraryPendingHint);
                        DELETE FROM libraryPendingHint WHERE path IN (SELECT path FROM libraryFile) OR receivedAt < ?;
                        """,
                    arguments: [now - 7 * 86400]
                )
            }
            // Series left without files go.
            try db.execute(
                sql: "DELETE FROM librarySeries WHERE id NOT IN (SELECT seriesId FROM libraryFile WHERE seriesId IS NOT NULL)"
            )
            // Files came, changed or went: they need matching, and that need outlives a crash.
            if !(changes.inserts.isEmpty && changes.updates.isEmpty && changes.deletes.isEmpty) {
                try db.execute(
                    sql: "INSERT INTO libraryPendingWork (kind, since) VALUES ('match', ?) ON CONFLICT (kind) DO NOTHING",
                    arguments: [now]
                )
            }
        }
    }

    /// How many indexed files came from the media folder `root`: an unreadable or empty folder that held some is
    /// offline (an unmounted disk), not an empty one.
    public func fileCount(root: String) throws -> Int {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM libraryFile WHERE root = ?", arguments: [root]) ?? 0 }
    }

    /// True when the library has no files at all (a mirror-only instance).
    public func isEmpty() throws -> Bool {
        try writer.read { db in try Int.fetchOne(db, sql: "SELECT 1 FROM libraryFile LIMIT 1") == nil }
    }

    /// True when files changed since the last whole-library match finished (also after a crash during it).
    public func needsMatching() throws -> Bool {
        try writer.read { db in try Bool.fetchOne(db, sql: "SELECT 1 FROM libraryPendingWork WHERE kind = 'match'") ?? false }
    }

    /// Records that a whole-library match that started at `startedAt` finished: changes made after it started still
    /// wait for the next one.
    public func finishedMatching(startedAt: Double) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM libraryPendingWork WHERE kind = 'match' AND since <= ?", arguments: [startedAt])
        }
    }

    /// Lower-cased letters and digits, single spaces: `Sousou no Frieren!` and `sousou_no_frieren` group together.
    static func normalize(_ title: String) -> String {
        var out = ""
        var pendingSpace = false
        for scalar in title.lowercased().unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingSpace && !out.isEmpty { out += " " }
                pendingSpace = false
                out.unicodeScalars.append(scalar)
            } else {
                pendingSpace = true
            }
        }
        return out
    }

    // MARK: - Reading

    public func series() throws -> [LibrarySeries] {
        try writer.read { db in
            let files = try Row.fetchAll(db, sql: "SELECT * FROM libraryFile ORDER BY path").map(Self.file)
            let grouped = Dictionary(grouping: files, by: \.seriesId)
            return try Row.fetchAll(db, sql: "SELECT id, title, season FROM librarySeries ORDER BY normalizedTitle, season")
                .map { row in
                    let id: Int64 = row["id"]
                    return LibrarySeries(id: id, title: row["title"], season: row["season"], files: grouped[id] ?? [])
                }
        }
    }

    public func file(id: Int64) throws -> LibraryFile? {
        try writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM libraryFile WHERE id = ?", arguments: [id]).map(Self.file)
        }
    }

    public func files() throws -> [LibraryFile] {
        try writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM libraryFile ORDER BY path").map(Self.file) }
    }

    /// The files at or under each of `paths`.
    public func files(under paths: [String]) throws -> [LibraryFile] {
        guard !paths.isEmpty else { return [] }
        let (filter, arguments) = Self.under(paths)
        return try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM libraryFile WHERE \(filter) ORDER BY path", arguments: arguments).map(Self.file)
        }
    }

    /// Keeps what Sonarr or Radarr said a file is, by path. A file not in the index yet gets it when a scan finds
    /// it (within a week).
    public func saveHints(_ hints: [String: FileHint], now: Double? = nil) throws {
        guard !hints.isEmpty else { return }
        let now = now ?? Date().timeIntervalSince1970
        try writer.write { db in
            for (path, hint) in hints {
                try db.execute(sql: "UPDATE libraryFile SET hint = ? WHERE path = ?", arguments: [hint.json, path])
                if db.changesCount == 0 {
                    try db.execute(
                        sql: "INSERT OR REPLACE INTO libraryPendingHint (path, hint, receivedAt) VALUES (?, ?, ?)",
                        arguments: [path, hint.json, now]
                    )
                }
            }
        }
    }

    static func file(_ row: Row) -> LibraryFile {
        let json: String = row["parsed"]
        let parsed = (try? JSONDecoder().decode([String: ParsedValue].self, from: Data(json.utf8))) ?? [:]
        return LibraryFile(
            id: row["id"],
            path: row["path"],
            root: row["root"],
            size: row["size"],
            modifiedAt: row["modifiedAt"],
            seriesId: row["seriesId"],
            title: row["title"],
            season: row["season"],
            episode: row["episode"],
            parsed: parsed,
            offline: row["offline"],
            hint: (row["hint"] as String?).flatMap(FileHint.init(json:))
        )
    }
}
