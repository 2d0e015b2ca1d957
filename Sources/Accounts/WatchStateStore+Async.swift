import OffThread

/// The store for async callers (route handlers, services): each method runs its blocking twin on the
/// `BlockingPool`, so a cooperative thread never waits on SQLite and no thread is started.
extension WatchStateStore {
    public func record(userId: Int64, fileId: Int64, position: Double, duration: Double, now: Double) async throws -> WatchProgress? {
        try await offThread { try self.record(userId: userId, fileId: fileId, position: position, duration: duration, now: now) }
    }
    public func all(userId: Int64) async throws -> [WatchProgress] { try await offThread { try self.all(userId: userId) } }
    public func progress(userId: Int64, fileId: Int64) async throws -> WatchProgress? {
        try await offThread { try self.progress(userId: userId, fileId: fileId) }
    }
    public func highestWatchedEpisode(userId: Int64, aid: Int) async throws -> Int? {
        try await offThread { try self.highestWatchedEpisode(userId: userId, aid: aid) }
    }
    public func aid(ofFile fileId: Int64) async throws -> Int? { try await offThread { try self.aid(ofFile: fileId) } }
    public func setWatched(userId: Int64, fileId: Int64, _ watched: Bool, now: Double) async throws -> Bool {
        try await offThread { try self.setWatched(userId: userId, fileId: fileId, watched, now: now) }
    }
    public func setSeriesWatched(userId: Int64, aid: Int, _ watched: Bool, now: Double) async throws -> Int {
        try await offThread { try self.setSeriesWatched(userId: userId, aid: aid, watched, now: now) }
    }
    public func continueWatching(userId: Int64, limit: Int = 50) async throws -> [ContinueEntry] {
        try await offThread { try self.continueWatching(userId: userId, limit: limit) }
    }
    public func fileExists(_ id: Int64) async throws -> Bool { try await offThread { try self.fileExists(id) } }
}
