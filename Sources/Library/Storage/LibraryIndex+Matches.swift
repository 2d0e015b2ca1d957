import Foundation
public import GRDB

/// A series with its stored match: what the API shows for `GET /api/matches/{seriesId}/candidates`.
public struct SeriesMatches: Sendable, Codable, Equatable {
    public var seriesId: Int64
    public var title: String
    public var season: String
    /// The aid a person chose for the series, if any.
    public var manualAid: Int?
    /// Every candidate any of its files had, each aid once with its best score, best first.
    public var candidates: [MatchCandidate]
    public var files: [FileMatch]
}

extension LibraryIndex {
    /// Replaces the stored matches of the files in `matches` (all of them when `replaceAll`), in one transaction.
    public func saveMatches(_ matches: [FileMatch], replaceAll: Bool, now: Double) throws {
        let encoder = JSONEncoder()
        try writer.write { db in
            if replaceAll { try db.execute(sql: "DELETE FROM fileMatch") }
            let insert = try db.cachedStatement(
                sql: """
                    INSERT OR REPLACE INTO fileMatch
                        (fileId, aid, episode, confidence, source, applied, candidates, note, method, numbering, matchedAt)
                    SELECT ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM libraryFile WHERE id = ?)
                    """
            )
            for match in matches {
                let candidates = String(decoding: try encoder.encode(match.candidates), as: UTF8.self)
                let numbering = try match.numbering.map { String(decoding: try encoder.encode($0), as: UTF8.self) }
                try insert.execute(arguments: [
                    match.fileId, match.aid, match.episode, match.confidence, match.source.rawValue, match.applied,
                    candidates, match.note, match.method.rawValue, numbering, now, match.fileId,
                ])
            }
        }
    }

    /// Every stored match, by path.
    public func matches() throws -> [FileMatch] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT fileMatch.*, libraryFile.path FROM fileMatch JOIN libraryFile ON libraryFile.id = fileId ORDER BY path"
            ).map { Self.match($0) }
        }
    }

    /// Applied matches: aid → the ids of the files on disk that belong to it.
    public func filesByAnime() throws -> [Int: [Int64]] {
        try writer.read { db in
            var result: [Int: [Int64]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT aid, fileId FROM fileMatch WHERE applied AND aid IS NOT NULL") {
                result[row["aid"], default: []].append(row["fileId"])
            }
            return result
        }
    }

    public func seriesMatches(id: Int64) throws -> SeriesMatches? {
        try writer.read { db in
            guard let series = try Row.fetchOne(db, sql: "SELECT * FROM librarySeries WHERE id = ?", arguments: [id]) else {
                return nil
            }
            let manual = try Int.fetchOne(
                db,
                sql: "SELECT aid FROM seriesOverride WHERE normalizedTitle = ? AND season = ?",
                arguments: [series["normalizedTitle"] as String, series["season"] as String]
            )
            let files = try Row.fetchAll(
                db,
                sql: """
                    SELECT fileMatch.*, libraryFile.path FROM fileMatch JOIN libraryFile ON libraryFile.id = fileId
                    WHERE libraryFile.seriesId = ? ORDER BY path
                    """,
                arguments: [id]
            ).map { Self.match($0) }
            var best: [Int: MatchCandidate] = [:]
            for candidate in files.flatMap(\.candidates) {
                if let existing = best[candidate.aid], existing.score >= candidate.score { continue }
                best[candidate.aid] = candidate
            }
            let candidates = best.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.aid < $1.aid }
            return SeriesMatches(
                seriesId: id,
                title: series["title"],
                season: series["season"],
                manualAid: manual,
                candidates: candidates,
                files: files
            )
        }
    }

    static func match(_ row: Row, fileIdColumn: String = "fileId", episodeColumn: String = "episode") -> FileMatch {
        let candidatesJSON: String = row["candidates"]
        let candidates = (try? JSONDecoder().decode([MatchCandidate].self, from: Data(candidatesJSON.utf8))) ?? []
        let numberingJSON: String? = row["numbering"]
        return FileMatch(
            fileId: row[fileIdColumn],
            path: row["path"],
            aid: row["aid"],
            episode: row[episodeColumn],
            confidence: row["confidence"],
            source: FileMatch.Source(rawValue: row["source"]) ?? .auto,
            applied: row["applied"],
            candidates: candidates,
            note: row["note"],
            method: FileMatch.Method(rawValue: row["method"] ?? "") ?? .title,
            numbering: numberingJSON.flatMap { try? JSONDecoder().decode(MatchNumbering.self, from: Data($0.utf8)) }
        )
    }

    // MARK: - Manual matches

    /// The choices people made, with series overrides resolved to today's series ids.
    public func overrides() throws -> MatchOverrides {
        try writer.read { db in
            var overrides = MatchOverrides()
            for row in try Row.fetchAll(
                db,
                sql: """
                    SELECT librarySeries.id, seriesOverride.aid FROM seriesOverride
                    JOIN librarySeries USING (normalizedTitle, season)
                    """
            ) {
                overrides.series[row["id"]] = row["aid"]
            }
            for row in try Row.fetchAll(db, sql: "SELECT fileId, aid, episode FROM fileOverride") {
                overrides.files[row["fileId"]] = (row["aid"], row["episode"])
            }
            return overrides
        }
    }

    /// Sets the anime of every file of series `id`; false when there is no such series.
    public func setSeriesOverride(seriesId id: Int64, aid: Int, now: Double) throws -> Bool {
        try writer.write { db in
            guard let key = try Self.seriesKey(id, in: db) else { return false }
            try db.execute(
                sql: "INSERT OR REPLACE INTO seriesOverride (normalizedTitle, season, aid, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [key.title, key.season, aid, now]
            )
            return true
        }
    }

    /// Removes the series' manual choice and its files' own choices; false when there is no such series.
    public func clearOverrides(seriesId id: Int64) throws -> Bool {
        try writer.write { db in
            guard let key = try Self.seriesKey(id, in: db) else { return false }
            try db.execute(
                sql: "DELETE FROM seriesOverride WHERE normalizedTitle = ? AND season = ?",
                arguments: [key.title, key.season]
            )
            try db.execute(
                sql: "DELETE FROM fileOverride WHERE fileId IN (SELECT id FROM libraryFile WHERE seriesId = ?)",
                arguments: [id]
            )
            return true
        }
    }

    /// What a series is keyed by, which outlives its row id: its normalised title and season.
    static func seriesKey(_ id: Int64, in db: Database) throws -> (title: String, season: String)? {
        try Row.fetchOne(db, sql: "SELECT normalizedTitle, season FROM librarySeries WHERE id = ?", arguments: [id])
            .map { ($0["normalizedTitle"], $0["season"]) }
    }

    /// Sets one file's anime (and episode, when given); false when there is no such file.
    public func setFileOverride(fileId id: Int64, aid: Int, episode: String?, now: Double) throws -> Bool {
        try writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT 1 FROM libraryFile WHERE id = ?", arguments: [id]) == true else {
                return false
            }
            try db.execute(
                sql: "INSERT OR REPLACE INTO fileOverride (fileId, aid, episode, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [id, aid, episode, now]
            )
            return true
        }
    }

    /// Removes one file's manual choice; false when it had none.
    public func clearFileOverride(fileId id: Int64) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM fileOverride WHERE fileId = ?", arguments: [id])
            return db.changesCount > 0
        }
    }

    /// The files of series `id`.
    public func files(seriesId id: Int64) throws -> [LibraryFile] {
        try writer.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM libraryFile WHERE seriesId = ? ORDER BY path", arguments: [id]).map(Self.file)
        }
    }
}
