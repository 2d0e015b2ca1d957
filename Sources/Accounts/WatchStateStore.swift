import Foundation
public import GRDB

/// Per-user watch state. A file's state belongs to its episode once the file is matched (`anime:AID:EPNO`), so
/// it survives rescans, moves and a better release of the same episode; unmatched files keep it by file id.
/// Blocking; async callers get the same methods on the `BlockingPool` (`WatchStateStore+Async.swift`).
public struct WatchStateStore: Sendable {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    /// What a file is, for watch state: its key, and its episode when matched.
    struct Item {
        var key: String
        var aid: Int?
        var episode: String?
        var fileKey: String
    }

    static func item(fileId: Int64, _ db: Database) throws -> Item? {
        guard try Int64.fetchOne(db, sql: "SELECT id FROM libraryFile WHERE id = ?", arguments: [fileId]) != nil else {
            return nil
        }
        let fileKey = "file:\(fileId)"
        let row = try Row.fetchOne(
            db,
            sql: "SELECT aid, episode FROM fileMatch WHERE fileId = ? AND applied AND aid IS NOT NULL",
            arguments: [fileId]
        )
        guard let row, let aid: Int = row["aid"] else { return Item(key: fileKey, fileKey: fileKey) }
        let episode: String = row["episode"] ?? "1"
        return Item(key: "anime:\(aid):\(episode)", aid: aid, episode: episode, fileKey: fileKey)
    }

    /// Records a position; nil when there is no such file. Watched once past 90 %, and stays watched on a rewatch.
    public func record(userId: Int64, fileId: Int64, position: Double, duration: Double, now: Double) throws -> WatchProgress? {
        try writer.write { db in
            guard let item = try Self.item(fileId: fileId, db) else { return nil }
            let previous = try Self.state(userId: userId, item, db)
            let watched = (previous?.watched ?? false) || (duration > 0 && position >= duration * WatchProgress.watchedShare)
            let progress = WatchProgress(
                fileId: fileId,
                aid: item.aid,
                episode: item.episode,
                position: position,
                duration: duration,
                watched: watched,
                updatedAt: now
            )
            try Self.save(userId: userId, item, progress, db)
            return progress
        }
    }

    /// Everything a user has watched or started (the library grid and the series page read this once per view).
    public func all(userId: Int64) throws -> [WatchProgress] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: "SELECT fileId, aid, episode, position, duration, watched, updatedAt FROM watchState WHERE userId = ?",
                arguments: [userId]
            ).map(Self.progress)
        }
    }

    public func progress(userId: Int64, fileId: Int64) throws -> WatchProgress? {
        try writer.read { db in
            guard let item = try Self.item(fileId: fileId, db) else { return nil }
            return try Self.state(userId: userId, item, db)
        }
    }

    /// Marks a file's episode watched (position back to the start) or unwatched (forgotten); false: no such file.
    /// The highest regular episode of `aid` the user has watched (nil: none), what list services call progress.
    public func highestWatchedEpisode(userId: Int64, aid: Int) throws -> Int? {
        try writer.read { db in
            try Int.fetchOne(
                db,
                sql: """
                    SELECT MAX(CAST(episode AS INTEGER)) FROM watchState
                    WHERE userId = ? AND aid = ? AND watched AND episode GLOB '[0-9]*' AND episode NOT GLOB '*[^0-9]*'
                    """,
                arguments: [userId, aid]
            )
        }
    }

    /// The anime a file is matched to (an applied match), if any.
    public func aid(ofFile fileId: Int64) throws -> Int? {
        try writer.read { db in try Self.item(fileId: fileId, db)?.aid }
    }

    public func setWatched(userId: Int64, fileId: Int64, _ watched: Bool, now: Double) throws -> Bool {
        try writer.write { db in
            guard let item = try Self.item(fileId: fileId, db) else { return false }
            try Self.mark(userId: userId, fileId: fileId, item, watched, now, db)
            return true
        }
    }

    /// Marks every episode of an anime on disk; returns how many files that touched.
    public func setSeriesWatched(userId: Int64, aid: Int, _ watched: Bool, now: Double) throws -> Int {
        try writer.write { db in
            let files = try Int64.fetchAll(
                db,
                sql: "SELECT fileId FROM fileMatch WHERE aid = ? AND applied ORDER BY fileId",
                arguments: [aid]
            )
            for fileId in files {
                guard let item = try Self.item(fileId: fileId, db) else { continue }
                try Self.mark(userId: userId, fileId: fileId, item, watched, now, db)
            }
            return files.count
        }
    }

    static func mark(userId: Int64, fileId: Int64, _ item: Item, _ watched: Bool, _ now: Double, _ db: Database) throws {
        if watched {
            let duration = try state(userId: userId, item, db)?.duration ?? 0
            let progress = WatchProgress(
                fileId: fileId,
                aid: item.aid,
                episode: item.episode,
                position: 0,
                duration: duration,
                watched: true,
                updatedAt: now
            )
            try save(userId: userId, item, progress, db)
        } else {
            try db.execute(
                sql: "DELETE FROM watchState WHERE userId = ? AND itemKey IN (?, ?)",
                arguments: [userId, item.key, item.fileKey]
            )
        }
    }

    /// The episode's state, or the file's from before it was matched.
    static func state(userId: Int64, _ item: Item, _ db: Database) throws -> WatchProgress? {
        let row =
            try Row.fetchOne(
                db,
                sql: "SELECT * FROM watchState WHERE userId = ? AND itemKey = ?",
                arguments: [userId, item.key]
            )
            ?? Row.fetchOne(
                db,
                sql: "SELECT * FROM watchState WHERE userId = ? AND itemKey = ?",
                arguments: [userId, item.fileKey]
            )
        return row.map(progress)
    }

    static func save(userId: Int64, _ item: Item, _ progress: WatchProgress, _ db: Database) throws {
        if item.key != item.fileKey {
            try db.execute(sql: "DELETE FROM watchState WHERE userId = ? AND itemKey = ?", arguments: [userId, item.fileKey])
        }
        try db.execute(
            sql: """
                INSERT OR REPLACE INTO watchState
                    (userId, itemKey, fileId, aid, episode, position, duration, watched, updatedAt)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """,
            arguments: [
                userId, item.key, progress.fileId, progress.aid, progress.episode, progress.position, progress.duration,
                progress.watched, progress.updatedAt,
            ]
        )
    }

    static func progress(_ row: Row) -> WatchProgress {
        WatchProgress(
            fileId: row["fileId"],
            aid: row["aid"],
            episode: row["episode"],
            position: row["position"],
            duration: row["duration"],
            watched: row["watched"],
            updatedAt: row["updatedAt"]
        )
    }
}

extension WatchStateStore {
    public func fileExists(_ id: Int64) throws -> Bool {
        try writer.read { try Self.item(fileId: id, $0) != nil }
    }
}
