public import GRDB

/// A row of `invite`: an admin's offer of an account with a role, good for some uses until it expires or is revoked.
/// The code itself is never stored, only its SHA-256 (`codeHash`): a copy of the database invites nobody.
public struct Invite: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "invite"

    public var id: Int64?
    var codeHash: String
    public var role: Role
    /// The admin who made it (nil from the command line).
    public var createdBy: Int64?
    public var createdAt: Double
    public var expiresAt: Double
    public var usesLeft: Int
    public var revokedAt: Double?

    /// Why an invite cannot be used now, or nil when it can.
    public func refusal(now: Double) -> AccountError? {
        if revokedAt != nil { return .inviteRevoked }
        if expiresAt <= now { return .inviteExpired }
        if usesLeft <= 0 { return .inviteUsedUp }
        return nil
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}
