import Foundation
public import GRDB

/// Invitations: made by an admin with a role, a lifetime and a number of uses; a person with the code makes their own
/// account. Codes are 256 random bits, kept as SHA-256. Blocking: callers on the cooperative pool use `offThread`.
public struct InviteStore: Sendable {
    let writer: any DatabaseWriter
    public let users: UserStore

    /// Longest an invite may live (30 days) and most uses (a club, not the public).
    public static let maxHours = 720
    public static let maxUses = 100

    public init(writer: any DatabaseWriter, users: UserStore) {
        self.writer = writer
        self.users = users
    }

    /// A new invite and its code (shown this once).
    public func create(role: Role, hours: Int, uses: Int, createdBy: Int64?, now: Double) throws -> (invite: Invite, code: String) {
        guard (1...Self.maxHours).contains(hours) else { throw AccountError.invalidInvite("hours must be 1 to \(Self.maxHours)") }
        guard (1...Self.maxUses).contains(uses) else { throw AccountError.invalidInvite("uses must be 1 to \(Self.maxUses)") }
        let code = Secrets.token()
        var invite = Invite(
            id: nil,
            codeHash: Secrets.digest(code),
            role: role,
            createdBy: createdBy,
            createdAt: now,
            expiresAt: now + Double(hours) * 3600,
            usesLeft: uses,
            revokedAt: nil
        )
        try writer.write { db in try invite.insert(db) }
        return (invite, code)
    }

    /// Invites not revoked, newest first (used-up and expired ones included, so an admin sees what became of them).
    public func list() throws -> [Invite] {
        try writer.read { db in
            try Invite.filter(Column("revokedAt") == nil).order(Column("createdAt").desc, Column("id").desc).fetchAll(db)
        }
    }

    /// Revokes an invite; false when there is no such invite (or it was revoked already).
    public func revoke(id: Int64, now: Double) throws -> Bool {
        try writer.write { db in
            try db.execute(sql: "UPDATE invite SET revokedAt = ? WHERE id = ? AND revokedAt IS NULL", arguments: [now, id])
            return db.changesCount > 0
        }
    }

    /// What the code would give now (for the join page), or why it cannot be used.
    public func check(code: String, now: Double) throws -> Invite {
        let invite = try writer.read { db in try Self.invite(code: code, db) }
        guard let invite else { throw AccountError.inviteUnknown }
        if let refusal = invite.refusal(now: now) { throw refusal }
        return invite
    }

    /// Makes the account the code invites: the invite is checked and one use taken in the same transaction as the
    /// insert, so a last use cannot make two accounts. Nothing is made when anything is refused.
    public func register(code: String, name: String, password: String, now: Double) throws -> User {
        // Checked before bcrypt too, so a bad code costs no hashing.
        _ = try check(code: code, now: now)
        return try users.add(name: name, role: nil, password: password, now: now) { db in
            guard let invite = try Self.invite(code: code, db), let id = invite.id else { throw AccountError.inviteUnknown }
            if let refusal = invite.refusal(now: now) { throw refusal }
            // A viewer as the first account would leave the install without an admin.
            if invite.role != .admin, try User.fetchCount(db) == 0 {
                throw AccountError.invalidInvite("this install has no admin yet: its first account is made on /login")
            }
            try db.execute(sql: "UPDATE invite SET usesLeft = usesLeft - 1 WHERE id = ?", arguments: [id])
            return invite.role
        }
    }

    static func invite(code: String, _ db: Database) throws -> Invite? {
        guard !code.isEmpty, code.utf8.count <= 100 else { return nil }
        return try Invite.filter(Column("codeHash") == Secrets.digest(code)).fetchOne(db)
    }
}
