import OffThread

/// The store for async callers: each method runs its blocking twin on the `BlockingPool`.
extension InviteStore {
    public func list() async throws -> [Invite] { try await offThread { try self.list() } }
    public func revoke(id: Int64, now: Double) async throws -> Bool { try await offThread { try self.revoke(id: id, now: now) } }
}
