import Foundation
public import GRDB

/// Each viewer's `ViewerPreferences`, one JSON document a user. User 0 is the sign-in-free loopback install, whose
/// preferences the first user created takes over (as with watch state). Blocking; async callers get
/// the same methods on the `BlockingPool` (`PreferencesStore+Async.swift`).
public struct PreferencesStore: Sendable {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    /// The user's preferences, or the defaults when none were saved (or what was saved no longer reads).
    public func preferences(userId: Int64) throws -> ViewerPreferences {
        try writer.read { db in try Self.preferences(userId: userId, db) }
    }

    /// Replaces the user's preferences in one write.
    public func save(_ preferences: ViewerPreferences, userId: Int64, now: Double) throws {
        try writer.write { db in try Self.save(preferences, userId: userId, now: now, db) }
    }

    /// Reads, changes and saves the user's preferences in one transaction (two changes at once both land); returns them.
    public func update(userId: Int64, now: Double, _ change: @Sendable (inout ViewerPreferences) -> Void) throws -> ViewerPreferences {
        try writer.write { db in
            var preferences = try Self.preferences(userId: userId, db)
            change(&preferences)
            try Self.save(preferences, userId: userId, now: now, db)
            return preferences
        }
    }

    static func preferences(userId: Int64, _ db: Database) throws -> ViewerPreferences {
        let stored = try String.fetchOne(db, sql: "SELECT preferences FROM viewerPreferences WHERE userId = ?", arguments: [userId])
        guard let stored, let decoded = try? JSONDecoder().decode(ViewerPreferences.self, from: Data(stored.utf8)) else {
            return ViewerPreferences()
        }
        return decoded
    }

    static func save(_ preferences: ViewerPreferences, userId: Int64, now: Double, _ db: Database) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let json = String(decoding: try encoder.encode(preferences), as: UTF8.self)
        try db.execute(
            sql: """
                INSERT INTO viewerPreferences (userId, preferences, updatedAt) VALUES (?, ?, ?)
                ON CONFLICT(userId) DO UPDATE SET preferences = excluded.preferences, updatedAt = excluded.updatedAt
                """,
            arguments: [userId, json, now]
        )
    }
}
