import Foundation
public import GRDB

/// A user's link to a list service (`anilist`): the token, the account it belongs to, and whether the service still
/// takes it. The token is used for the user's deliveries only: never logged, never returned by the API.
public struct ListLink: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "listLink"

    public var userId: Int64
    public var service: String
    var token: String
    public var account: String
    /// `ok`, or `refused` once the service turned the token down (deliveries wait for a new link).
    public var state: String
    public var message: String?
    public var linkedAt: Double
    /// For services whose access tokens expire (MyAnimeList): the refresh token and when the access token expires.
    var refreshToken: String?
    public var expiresAt: Double?

    /// The token, for the one caller that sends it to the service.
    public var secret: String { token }
    /// The refresh token, for the one caller that renews the access token.
    public var refreshSecret: String? { refreshToken }
}

/// Where one anime stands for one user on one service: what should be on their list (`progress`, `status`), what
/// was last accepted there (`sentProgress`, `sentStatus`), and when to try again. Pending while the two differ.
public struct ListEntry: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "listEntry"

    public var userId: Int64
    public var service: String
    public var aid: Int
    public var mediaId: Int
    public var progress: Int
    public var status: String
    public var sentProgress: Int?
    public var sentStatus: String?
    public var attempts: Int
    public var dueAt: Double
    public var lastError: String?
    public var updatedAt: Double

    public var isPending: Bool { progress != sentProgress || status != sentStatus }
}

/// Links, entries waiting to be delivered, and the anime that cannot be synced for want of an id. Entries live in
/// the database, so deliveries survive a restart. Blocking: callers on the cooperative pool use `offThread`.
public struct ListSyncStore: Sendable {
    let writer: any DatabaseWriter

    public init(writer: any DatabaseWriter) { self.writer = writer }

    public func link(userId: Int64, service: String) throws -> ListLink? {
        try writer.read { db in try ListLink.fetchOne(db, key: ["userId": userId, "service": service]) }
    }

    /// Links (or links again, with a new token) a user's account; what was waiting is due at once.
    public func saveLink(
        userId: Int64,
        service: String,
        token: String,
        account: String,
        now: Double,
        refreshToken: String? = nil,
        expiresAt: Double? = nil
    ) throws {
        try writer.write { db in
            try ListLink(
                userId: userId,
                service: service,
                token: token,
                account: account,
                state: "ok",
                message: nil,
                linkedAt: now,
                refreshToken: refreshToken,
                expiresAt: expiresAt
            )
            .save(db)
            try db.execute(
                sql: "UPDATE listEntry SET dueAt = ?, attempts = 0 WHERE userId = ? AND service = ?",
                arguments: [now, userId, service]
            )
        }
    }

    /// Unlinks: the token is forgotten, and so is everything waiting for it.
    public func removeLink(userId: Int64, service: String) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM listEntry WHERE userId = ? AND service = ?", arguments: [userId, service])
            try db.execute(sql: "DELETE FROM listUnsynced WHERE userId = ? AND service = ?", arguments: [userId, service])
            return try ListLink.deleteOne(db, key: ["userId": userId, "service": service])
        }
    }

    /// Keeps renewed tokens (MyAnimeList's refresh).
    public func updateTokens(userId: Int64, service: String, token: String, refreshToken: String, expiresAt: Double) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE listLink SET token = ?, refreshToken = ?, expiresAt = ? WHERE userId = ? AND service = ?",
                arguments: [token, refreshToken, expiresAt, userId, service]
            )
        }
    }

    /// Remembers an authorization begun (OAuth's `state` and the PKCE verifier) for ten minutes.
    public func startAuthorization(state: String, userId: Int64, service: String, verifier: String, now: Double) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM listAuthorization WHERE createdAt < ?", arguments: [now - 600])
            try db.execute(
                sql: "INSERT INTO listAuthorization (stateHash, userId, service, verifier, createdAt) VALUES (?, ?, ?, ?, ?)",
                arguments: [Secrets.digest(state), userId, service, verifier, now]
            )
        }
    }

    /// The verifier of an authorization `userId` began with `state` in the last ten minutes; used once.
    public func takeAuthorization(state: String, userId: Int64, service: String, now: Double) throws -> String? {
        try writer.write { db in
            let verifier = try String.fetchOne(
                db,
                sql: "SELECT verifier FROM listAuthorization WHERE stateHash = ? AND userId = ? AND service = ? AND createdAt >= ?",
                arguments: [Secrets.digest(state), userId, service, now - 600]
            )
            try db.execute(sql: "DELETE FROM listAuthorization WHERE stateHash = ?", arguments: [Secrets.digest(state)])
            return verifier
        }
    }

    /// The service turned the token down: nothing more is sent until the user links again.
    public func refuse(userId: Int64, service: String, message: String) throws {
        try writer.write { db in
            try db.execute(
                sql: "UPDATE listLink SET state = 'refused', message = ? WHERE userId = ? AND service = ?",
                arguments: [message, userId, service]
            )
        }
    }

    /// Sets what should be on the user's list for an anime; a no-op when it is already there or on its way.
    /// Returns whether anything is now waiting to be sent.
    @discardableResult
    public func want(userId: Int64, service: String, aid: Int, mediaId: Int, progress: Int, status: String, now: Double) throws -> Bool {
        try writer.write { db in
            try db.execute(
                sql: "DELETE FROM listUnsynced WHERE userId = ? AND service = ? AND aid = ?",
                arguments: [userId, service, aid]
            )
            let existing = try ListEntry.fetchOne(db, key: ["userId": userId, "service": service, "aid": aid])
            if let existing, existing.progress == progress, existing.status == status, existing.mediaId == mediaId {
                return existing.isPending
            }
            var entry =
                existing
                ?? ListEntry(
                    userId: userId,
                    service: service,
                    aid: aid,
                    mediaId: mediaId,
                    progress: progress,
                    status: status,
                    sentProgress: nil,
                    sentStatus: nil,
                    attempts: 0,
                    dueAt: now,
                    lastError: nil,
                    updatedAt: now
                )
            entry.mediaId = mediaId
            entry.progress = progress
            entry.status = status
            entry.attempts = 0
            entry.dueAt = now
            entry.updatedAt = now
            try entry.save(db)
            return entry.isPending
        }
    }

    /// Entries due by `now` whose link the service still takes, oldest first.
    public func due(service: String, now: Double, limit: Int) throws -> [(ListEntry, ListLink)] {
        try writer.read { db in
            let entries = try ListEntry.fetchAll(
                db,
                sql: """
                    SELECT listEntry.* FROM listEntry JOIN listLink USING (userId, service)
                    WHERE listEntry.service = ? AND listLink.state = 'ok' AND listEntry.dueAt <= ?
                        AND (listEntry.sentProgress IS NOT listEntry.progress OR listEntry.sentStatus IS NOT listEntry.status)
                    ORDER BY listEntry.dueAt, listEntry.updatedAt LIMIT ?
                    """,
                arguments: [service, now, limit]
            )
            return try entries.compactMap { entry in
                try ListLink.fetchOne(db, key: ["userId": entry.userId, "service": service]).map { (entry, $0) }
            }
        }
    }

    /// When the next pending entry is due (nil: none waits, or only for refused links).
    public func nextDue(service: String) throws -> Double? {
        try writer.read { db in
            try Double.fetchOne(
                db,
                sql: """
                    SELECT MIN(listEntry.dueAt) FROM listEntry JOIN listLink USING (userId, service)
                    WHERE listEntry.service = ? AND listLink.state = 'ok'
                        AND (listEntry.sentProgress IS NOT listEntry.progress OR listEntry.sentStatus IS NOT listEntry.status)
                    """,
                arguments: [service]
            )
        }
    }

    /// The service took `entry` as it was sent (a newer want made meanwhile stays pending).
    public func delivered(_ entry: ListEntry) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE listEntry SET sentProgress = ?, sentStatus = ?, attempts = 0, lastError = NULL
                    WHERE userId = ? AND service = ? AND aid = ?
                    """,
                arguments: [entry.progress, entry.status, entry.userId, entry.service, entry.aid]
            )
        }
    }

    /// Try `entry` again at `dueAt`, counting the attempt and keeping the reason.
    public func retry(_ entry: ListEntry, at dueAt: Double, error: String, counts: Bool = true) throws {
        try writer.write { db in
            try db.execute(
                sql: """
                    UPDATE listEntry SET dueAt = ?, attempts = attempts + ?, lastError = ?
                    WHERE userId = ? AND service = ? AND aid = ?
                    """,
                arguments: [dueAt, counts ? 1 : 0, error, entry.userId, entry.service, entry.aid]
            )
        }
    }

    /// A user's entries on a service.
    public func entries(userId: Int64, service: String) throws -> [ListEntry] {
        try writer.read { db in
            try ListEntry.filter(Column("userId") == userId && Column("service") == service).order(Column("aid")).fetchAll(db)
        }
    }

    /// Remembers an anime watched that has no id on the service, to list it as not synced.
    public func unsynced(userId: Int64, service: String, aid: Int, now: Double) throws {
        try writer.write { db in
            try db.execute(
                sql: "INSERT OR IGNORE INTO listUnsynced (userId, service, aid, seenAt) VALUES (?, ?, ?, ?)",
                arguments: [userId, service, aid, now]
            )
        }
    }

    public func unsyncedAids(userId: Int64, service: String) throws -> [Int] {
        try writer.read { db in
            try Int.fetchAll(
                db,
                sql: "SELECT aid FROM listUnsynced WHERE userId = ? AND service = ? ORDER BY seenAt DESC",
                arguments: [userId, service]
            )
        }
    }
}
