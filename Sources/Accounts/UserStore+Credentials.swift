import Foundation
import GRDB

/// Sessions (browser sign-ins) and API keys: random tokens, stored as their SHA-256.
extension UserStore {
    /// Starts a session; the token goes in the cookie and nowhere else.
    public func createSession(userId: Int64, now: Double, lifetime: Double) throws -> String {
        let token = Secrets.token()
        try writer.write { db in
            // Expired sessions are swept as new ones begin.
            try db.execute(sql: "DELETE FROM userSession WHERE expiresAt <= ?", arguments: [now])
            try db.execute(
                sql: "INSERT INTO userSession (tokenHash, userId, createdAt, expiresAt) VALUES (?, ?, ?, ?)",
                arguments: [Secrets.digest(token), userId, now, now + lifetime]
            )
        }
        return token
    }

    /// The user a session token belongs to, while it has not expired.
    public func sessionUser(token: String, now: Double) throws -> SignedInUser? {
        try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: """
                    SELECT u.id, u.name, u.role, s.expiresAt FROM userSession s JOIN appUser u ON u.id = s.userId
                    WHERE s.tokenHash = ? AND s.expiresAt > ?
                    """,
                arguments: [Secrets.digest(token), now]
            )
            return row.flatMap { row in
                Role(rawValue: row["role"]).map {
                    SignedInUser(id: row["id"], name: row["name"], role: $0, sessionExpiresAt: row["expiresAt"])
                }
            }
        }
    }

    public func endSession(token: String) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM userSession WHERE tokenHash = ?", arguments: [Secrets.digest(token)])
        }
    }

    /// Makes a key for a user; the returned text is the key, shown once.
    public func createKey(userName: String, label: String, now: Double) throws -> (id: Int64, key: String) {
        guard (1...200).contains(label.count) else { throw AccountError.invalidLabel }
        let key = "ak_" + Secrets.token()
        let id = try writer.write { db -> Int64 in
            guard let user = try User.named(userName).fetchOne(db), let userId = user.id else {
                throw AccountError.noSuchUser(userName)
            }
            try db.execute(
                sql: "INSERT INTO apiKey (userId, label, keyHash, createdAt) VALUES (?, ?, ?, ?)",
                arguments: [userId, label, Secrets.digest(key), now]
            )
            return db.lastInsertedRowID
        }
        return (id, key)
    }

    public func keys() throws -> [APIKeyListing] {
        try writer.read { db in
            try APIKeyListing.fetchAll(
                db,
                sql: """
                    SELECT k.id, k.label, u.name AS userName, k.createdAt, k.lastUsedAt
                    FROM apiKey k JOIN appUser u ON u.id = k.userId ORDER BY k.id
                    """
            )
        }
    }

    public func revokeKey(id: Int64) throws {
        try writer.write { db in
            try db.execute(sql: "DELETE FROM apiKey WHERE id = ?", arguments: [id])
            if db.changesCount == 0 { throw AccountError.noSuchKey(id) }
        }
    }

    /// The user a key belongs to.
    public func keyUser(key: String) throws -> SignedInUser? {
        try writer.read { db in
            let row = try Row.fetchOne(
                db,
                sql: "SELECT u.id, u.name, u.role, k.id AS keyId FROM apiKey k JOIN appUser u ON u.id = k.userId WHERE k.keyHash = ?",
                arguments: [Secrets.digest(key)]
            )
            return row.flatMap { row in
                Role(rawValue: row["role"]).map { SignedInUser(id: row["id"], name: row["name"], role: $0, keyId: row["keyId"]) }
            }
        }
    }

    /// Records when keys were last used (batched by the caller: not a write per request).
    public func recordKeyUse(_ uses: [Int64: Double]) throws {
        guard !uses.isEmpty else { return }
        try writer.write { db in
            for (id, time) in uses {
                try db.execute(sql: "UPDATE apiKey SET lastUsedAt = max(coalesce(lastUsedAt, 0), ?) WHERE id = ?", arguments: [time, id])
            }
        }
    }
}
