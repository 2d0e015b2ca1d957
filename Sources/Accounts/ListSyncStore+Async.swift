import OffThread

/// The store for async callers (the link routes, the delivery service): each method runs its blocking twin on the
/// `BlockingPool`.
extension ListSyncStore {
    public func link(userId: Int64, service: String) async throws -> ListLink? {
        try await offThread { try self.link(userId: userId, service: service) }
    }
    public func saveLink(
        userId: Int64,
        service: String,
        token: String,
        account: String,
        now: Double,
        refreshToken: String? = nil,
        expiresAt: Double? = nil
    ) async throws {
        try await offThread {
            try self.saveLink(
                userId: userId,
                service: service,
                token: token,
                account: account,
                now: now,
                refreshToken: refreshToken,
                expiresAt: expiresAt
            )
        }
    }
    public func removeLink(userId: Int64, service: String) async throws -> Bool {
        try await offThread { try self.removeLink(userId: userId, service: service) }
    }
    public func updateTokens(userId: Int64, service: String, token: String, refreshToken: String, expiresAt: Double) async throws {
        try await offThread {
            try self.updateTokens(userId: userId, service: service, token: token, refreshToken: refreshToken, expiresAt: expiresAt)
        }
    }
    public func startAuthorization(state: String, userId: Int64, service: String, verifier: String, now: Double) async throws {
        try await offThread { try self.startAuthorization(state: state, userId: userId, service: service, verifier: verifier, now: now) }
    }
    public func takeAuthorization(state: String, userId: Int64, service: String, now: Double) async throws -> String? {
        try await offThread { try self.takeAuthorization(state: state, userId: userId, service: service, now: now) }
    }
    public func refuse(userId: Int64, service: String, message: String) async throws {
        try await offThread { try self.refuse(userId: userId, service: service, message: message) }
    }
    public func want(userId: Int64, service: String, aid: Int, mediaId: Int, progress: Int, status: String, now: Double) async throws -> Bool {
        try await offThread {
            try self.want(userId: userId, service: service, aid: aid, mediaId: mediaId, progress: progress, status: status, now: now)
        }
    }
    public func due(service: String, now: Double, limit: Int) async throws -> [(ListEntry, ListLink)] {
        try await offThread { try self.due(service: service, now: now, limit: limit) }
    }
    public func nextDue(service: String) async throws -> Double? { try await offThread { try self.nextDue(service: service) } }
    public func delivered(_ entry: ListEntry) async throws { try await offThread { try self.delivered(entry) } }
    public func retry(_ entry: ListEntry, at dueAt: Double, error: String, counts: Bool = true) async throws {
        try await offThread { try self.retry(entry, at: dueAt, error: error, counts: counts) }
    }
    public func entries(userId: Int64, service: String) async throws -> [ListEntry] {
        try await offThread { try self.entries(userId: userId, service: service) }
    }
    public func unsynced(userId: Int64, service: String, aid: Int, now: Double) async throws {
        try await offThread { try self.unsynced(userId: userId, service: service, aid: aid, now: now) }
    }
    public func unsyncedAids(userId: Int64, service: String) async throws -> [Int] {
        try await offThread { try self.unsyncedAids(userId: userId, service: service) }
    }
}
