import OffThread

/// The store for async callers (route handlers, services): each method runs its blocking twin — SQLite, and bcrypt
/// for passwords — on the `BlockingPool`, so a cooperative thread never waits and no thread is started. In an async
/// context Swift picks these; the blocking ones remain for the command line and for work already off the pool.
extension UserStore {
    public func count() async throws -> Int { try await offThread { try self.count() } }
    public func hasAdmin() async throws -> Bool { try await offThread { try self.hasAdmin() } }
    public func list() async throws -> [User] { try await offThread { try self.list() } }
    public func user(named name: String) async throws -> User? { try await offThread { try self.user(named: name) } }
    public func user(id: Int64) async throws -> User? { try await offThread { try self.user(id: id) } }
    public func verify(name: String, password: String) async throws -> User? {
        try await offThread { try self.verify(name: name, password: password) }
    }
    public func setPassword(name: String, password: String, keepingSession token: String? = nil) async throws {
        try await offThread { try self.setPassword(name: name, password: password, keepingSession: token) }
    }
    public func createSession(userId: Int64, now: Double, lifetime: Double) async throws -> String {
        try await offThread { try self.createSession(userId: userId, now: now, lifetime: lifetime) }
    }
    public func sessionUser(token: String, now: Double) async throws -> SignedInUser? {
        try await offThread { try self.sessionUser(token: token, now: now) }
    }
    public func endSession(token: String) async throws { try await offThread { try self.endSession(token: token) } }
    public func keys() async throws -> [APIKeyListing] { try await offThread { try self.keys() } }
    public func keyUser(key: String) async throws -> SignedInUser? { try await offThread { try self.keyUser(key: key) } }
    public func recordKeyUse(_ uses: [Int64: Double]) async throws { try await offThread { try self.recordKeyUse(uses) } }
}
