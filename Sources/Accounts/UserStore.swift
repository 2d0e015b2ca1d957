import Foundation
public import GRDB

/// Users, their passwords (bcrypt of a SHA-256, see `PasswordHash`), sessions and API keys, in the app's database. Blocking; async callers get
/// the same methods on the `BlockingPool` (`UserStore+Async.swift`). bcrypt runs only when a password is set or checked.
public struct UserStore: Sendable {
    let writer: any DatabaseWriter
    /// bcrypt's cost for new hashes (2^cost rounds); a hash is checked at the cost it was made with.
    let cost: UInt8

    public static let minimumPasswordLength = 8

    public init(writer: any DatabaseWriter, cost: UInt8 = 12) {
        self.writer = writer
        self.cost = cost
    }

    public func count() throws -> Int {
        try writer.read { try User.fetchCount($0) }
    }

    public func hasAdmin() throws -> Bool {
        try writer.read { try User.filter(Column("role") == Role.admin.rawValue).fetchCount($0) > 0 }
    }

    public func list() throws -> [User] {
        try writer.read { try User.order(Column("name")).fetchAll($0) }
    }

    public func user(named name: String) throws -> User? {
        try writer.read { try User.named(name).fetchOne($0) }
    }

    public func user(id: Int64) throws -> User? {
        try writer.read { try User.fetchOne($0, key: id) }
    }

    /// Adds a user. The first one takes over the watch state kept while the install had no users.
    /// `checkStrength: false` only for a password that was already in use (the old `server.password`).
    /// `onlyIfFirst`: refused once any user exists (the web page that creates the first admin), decided in the
    /// same transaction as the insert so two such requests cannot both win.
    @discardableResult
    public func add(
        name: String,
        role: Role,
        password: String,
        now: Double,
        checkStrength: Bool = true,
        onlyIfFirst: Bool = false
    ) throws -> User {
        try add(name: name, role: role, password: password, now: now, checkStrength: checkStrength, onlyIfFirst: onlyIfFirst) { _ in nil }
    }

    /// Adds a user whose role `decide` gives inside the inserting transaction (an invitation's, checked and used up
    /// there); `role` when it gives nil. What `decide` throws leaves everything as it was.
    func add(
        name: String,
        role: Role?,
        password: String,
        now: Double,
        checkStrength: Bool = true,
        onlyIfFirst: Bool = false,
        decide: @Sendable (Database) throws -> Role?
    ) throws -> User {
        let name = UserNames.display(name)
        if let mixed = UserNames.mixedLetters(name) { throw AccountError.mixedScripts(name, script: mixed.script, letters: mixed.letters) }
        guard Self.isValidName(name) else { throw AccountError.invalidName(name) }
        try Self.checkCharacters(password)
        if checkStrength { try Self.checkStrength(password) }
        let hash = PasswordHash.make(password, cost: cost)
        return try writer.write { db in
            // The invitation first: without a good code, nothing is said about which names are taken.
            let decided = try decide(db)
            if let existing = try User.named(name).fetchOne(db) { throw AccountError.duplicateUser(existing.name) }
            if let lookalike = try User.filter(Column("nameSkeleton") == UserNames.skeleton(name)).fetchOne(db) {
                throw AccountError.confusableName(name, existing: lookalike.name)
            }
            let first = try User.fetchCount(db) == 0
            if onlyIfFirst, !first { throw AccountError.usersExist }
            guard let role = decided ?? role else { throw AccountError.invalidInvite("no role for the new user") }
            var user = User(id: nil, name: name, role: role, passwordHash: hash, createdAt: now)
            try user.insert(db)
            if first, let id = user.id {
                try db.execute(sql: "UPDATE watchState SET userId = ? WHERE userId = 0", arguments: [id])
                try db.execute(sql: "UPDATE viewerPreferences SET userId = ? WHERE userId = 0", arguments: [id])
            }
            return user
        }
    }

    /// Removes a user with their sessions, keys and watch state. The last admin stays while others remain.
    public func remove(name: String) throws {
        try writer.write { db in
            guard let user = try User.named(name).fetchOne(db), let id = user.id else {
                throw AccountError.noSuchUser(name)
            }
            if user.role == .admin {
                let admins = try User.filter(Column("role") == Role.admin.rawValue).fetchCount(db)
                if admins == 1, try User.fetchCount(db) > 1 { throw AccountError.lastAdmin(user.name) }
            }
            try db.execute(sql: "DELETE FROM watchState WHERE userId = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM viewerPreferences WHERE userId = ?", arguments: [id])
            _ = try User.deleteOne(db, key: id)
        }
    }

    /// Changes a user's role. The last admin cannot become a viewer.
    public func setRole(name: String, role: Role) throws {
        try writer.write { db in
            guard var user = try User.named(name).fetchOne(db) else { throw AccountError.noSuchUser(name) }
            guard user.role != role else { return }
            if user.role == .admin, try User.filter(Column("role") == Role.admin.rawValue).fetchCount(db) == 1 {
                throw AccountError.lastAdmin(user.name)
            }
            user.role = role
            try user.update(db)
        }
    }

    /// Sets a new password and ends the user's sessions, except `keepingSession` (the one that asked).
    public func setPassword(name: String, password: String, keepingSession token: String? = nil) throws {
        try Self.checkCharacters(password)
        try Self.checkStrength(password)
        let hash = PasswordHash.make(password, cost: cost)
        try writer.write { db in
            guard var user = try User.named(name).fetchOne(db), let id = user.id else {
                throw AccountError.noSuchUser(name)
            }
            user.passwordHash = hash
            try user.update(db)
            try db.execute(
                sql: "DELETE FROM userSession WHERE userId = ? AND tokenHash != ?",
                arguments: [id, token.map(Secrets.digest) ?? ""]
            )
        }
    }

    /// The user, when the password is theirs. An unknown name costs as much as a wrong password. A hash of the
    /// older kind is replaced by the current kind once the password is proved right.
    public func verify(name: String, password: String) throws -> User? {
        guard !PasswordHash.hasControlCharacters(password), var user = try user(named: name) else {
            // Hashing at the store's cost takes as long as checking a real user's hash.
            _ = PasswordHash.make(password, cost: cost)
            return nil
        }
        let (matches, outdated) = PasswordHash.verify(password, stored: user.passwordHash)
        guard matches else { return nil }
        if outdated {
            let old = user.passwordHash
            user.passwordHash = PasswordHash.make(password, cost: cost)
            let upgraded = user
            try writer.write { db in
                // Only if nobody changed the password meanwhile.
                try db.execute(
                    sql: "UPDATE appUser SET passwordHash = ? WHERE id = ? AND passwordHash = ?",
                    arguments: [upgraded.passwordHash, upgraded.id, old]
                )
            }
        }
        return user
    }

    public static func isValidName(_ name: String) -> Bool {
        UserNames.isValid(name)
    }

    static func checkCharacters(_ password: String) throws {
        if PasswordHash.hasControlCharacters(password) { throw AccountError.invalidPassword }
    }

    static func checkStrength(_ password: String) throws {
        guard password.count >= minimumPasswordLength else { throw AccountError.weakPassword(minimum: minimumPasswordLength) }
    }
}
