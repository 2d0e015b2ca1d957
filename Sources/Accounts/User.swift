public import GRDB

/// What a user may do: an admin runs the server (scans, matches, users, keys); a viewer browses and plays.
public enum Role: String, Codable, Sendable, CaseIterable {
    case admin, viewer
}

/// A row of `appUser`. The password hash never leaves this module's stores except to be checked.
public struct User: Codable, Sendable, Equatable, FetchableRecord, MutablePersistableRecord {
    public static let databaseTableName = "appUser"

    public var id: Int64?
    public var name: String
    public var role: Role
    var passwordHash: String
    public var createdAt: Double
    /// The name as compared (`UserNames.key`) and its look-alike skeleton (`UserNames.skeleton`).
    var nameKey: String
    var nameSkeleton: String

    init(id: Int64? = nil, name: String, role: Role, passwordHash: String, createdAt: Double) {
        self.id = id
        self.name = name
        self.role = role
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        nameKey = UserNames.key(name)
        nameSkeleton = UserNames.skeleton(name)
    }

    /// Users named `name` as people mean it.
    static func named(_ name: String) -> QueryInterfaceRequest<User> {
        filter(Column("nameKey") == UserNames.key(name))
    }

    public mutating func didInsert(_ inserted: InsertionSuccess) { id = inserted.rowID }
}

/// A row of `apiKey` as listed: never the key itself, which is shown once.
public struct APIKeyListing: Codable, Sendable, Equatable, FetchableRecord {
    public var id: Int64
    public var label: String
    public var userName: String
    public var createdAt: Double
    public var lastUsedAt: Double?
}

/// The user a valid credential belongs to, as the server needs it for every request.
public struct SignedInUser: Sendable, Equatable {
    public var id: Int64
    public var name: String
    public var role: Role
    /// The API key used, when the credential was one (its last use is recorded).
    public var keyId: Int64?
    /// When the session ends, when the credential was a session.
    public var sessionExpiresAt: Double?

    public init(id: Int64, name: String, role: Role, keyId: Int64? = nil, sessionExpiresAt: Double? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.keyId = keyId
        self.sessionExpiresAt = sessionExpiresAt
    }
}
