import OffThread

/// The index for async callers (route handlers, services): each method runs its blocking twin on the
/// `BlockingPool`, so a cooperative thread never waits on SQLite and no thread is started. Scans and matching runs
/// stay blocking: they are long jobs that run on the pool as a whole.
extension LibraryIndex {
    public func series() async throws -> [LibrarySeries] { try await offThread { try self.series() } }
    public func file(id: Int64) async throws -> LibraryFile? { try await offThread { try self.file(id: id) } }
    public func files() async throws -> [LibraryFile] { try await offThread { try self.files() } }
    public func files(aid: Int) async throws -> [(file: LibraryFile, match: FileMatch)] {
        try await offThread { try self.files(aid: aid) }
    }
    public func placedFiles() async throws -> [PlacedFile] { try await offThread { try self.placedFiles() } }
    public func placement(fileId: Int64) async throws -> (aid: Int, episode: String?)? {
        try await offThread { try self.placement(fileId: fileId) }
    }
    public func fileCount(root: String) async throws -> Int { try await offThread { try self.fileCount(root: root) } }
    public func matches() async throws -> [FileMatch] { try await offThread { try self.matches() } }
    public func filesByAnime() async throws -> [Int: [Int64]] { try await offThread { try self.filesByAnime() } }
    public func seriesMatches(id: Int64) async throws -> SeriesMatches? { try await offThread { try self.seriesMatches(id: id) } }
    public func setSeriesOverride(seriesId id: Int64, aid: Int, now: Double) async throws -> Bool {
        try await offThread { try self.setSeriesOverride(seriesId: id, aid: aid, now: now) }
    }
    public func clearOverrides(seriesId id: Int64) async throws -> Bool { try await offThread { try self.clearOverrides(seriesId: id) } }
    public func setFileOverride(fileId id: Int64, aid: Int, episode: String?, now: Double) async throws -> Bool {
        try await offThread { try self.setFileOverride(fileId: id, aid: aid, episode: episode, now: now) }
    }
    public func clearFileOverride(fileId id: Int64) async throws -> Bool { try await offThread { try self.clearFileOverride(fileId: id) } }
}
