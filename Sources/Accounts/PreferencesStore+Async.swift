import OffThread

/// The store for async callers: each method runs its blocking twin on the `BlockingPool`.
extension PreferencesStore {
    public func preferences(userId: Int64) async throws -> ViewerPreferences { try await offThread { try self.preferences(userId: userId) } }
    public func update(userId: Int64, now: Double, _ change: @escaping @Sendable (inout ViewerPreferences) -> Void) async throws -> ViewerPreferences
    {
        try await offThread { try self.update(userId: userId, now: now, change) }
    }
}
