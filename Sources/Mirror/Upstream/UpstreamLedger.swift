public import Logging
public import Numbering

/// Everything that decides the next AniDB request and remembers the last ones: the refresh queue, the request
/// ledger, the ban and back-off state, the not-found memory.
///
/// One machine keeps it in its SQLite file (`MirrorStore`); several instances share one in PostgreSQL
/// (`MirrorPostgres.PostgresLedger`), so they spend one budget. The documents themselves are always served from
/// the instance's own store.
public protocol UpstreamLedger: Sendable {
    /// Runs `work` while this instance is the one that may fetch, and returns when it stops being so or `work`
    /// returns. With one machine that is at once and for good; in a cluster an instance may wait to take over.
    func asFetcher(logger: Logger, _ work: @escaping @Sendable () async -> Void) async throws

    func upstreamState() async throws -> UpstreamState
    /// Changes the upstream state in one transaction.
    @discardableResult
    func updateUpstreamState(_ change: @Sendable @escaping (inout UpstreamState) -> Void) async throws -> UpstreamState
    /// Starts of the upstream requests of the 24 hours before `now`, oldest first.
    func upstreamStarts(now: Double) async throws -> [Double]
    /// The next aid to fetch at `now` (see `MirrorStore.nextQueued`).
    func nextQueued(now: Double, includeLibrary: Bool) async throws -> (aid: Int?, retryAt: Double?)
    /// Logs an upstream request before it goes out and returns its id; nil when `limits` forbid it at `now`
    /// after all (another instance asked meanwhile). Checked and written in one transaction.
    func beginUpstreamRequest(target: String, aid: Int?, now: Double, limits: UpstreamLimits) async throws -> Int64?
    /// Moves a request's time to `time`, when its answer came (or it failed). The next request is spaced from then:
    /// however long this one took to reach AniDB (a new connection, a busy database before it went out), the next
    /// cannot arrive there sooner than the interval after it.
    func requestAnswered(_ id: Int64, at time: Double) async throws
    /// Stores a fetched document with its request's outcome, in one transaction.
    func storeFetched(
        _ document: StoredDocument,
        request id: Int64,
        now: Double,
        state change: @Sendable @escaping (inout UpstreamState) -> Void
    ) async throws
    /// Records how a request for `aid` that brought no document ended.
    func settle(
        request id: Int64,
        aid: Int,
        outcome: UpstreamOutcome,
        detail: String?,
        dequeue: Bool,
        countsAttempt: Bool,
        notFoundAt: Double?,
        state change: @Sendable @escaping (inout UpstreamState) -> Void
    ) async throws
    /// Records how a titles-dump request ended: its log entry and the state, in one transaction.
    func settleTitles(request id: Int64, outcome: UpstreamOutcome, detail: String?, now: Double, banPause: Double) async throws
    /// Shares a downloaded titles dump with the other instances (nothing to do on one machine).
    func shareTitlesDump(_ gzip: [UInt8], fetchedAt: Double) async throws
    /// Shares a community mapping file (`anime-list-master.xml`, `anime_ids.json`) with the other instances.
    func shareMappingFile(_ name: String, bytes: [UInt8], etag: String?, lastModified: String?, fetchedAt: Double) async throws
    /// The copy of a mapping file another instance shared, if any.
    func sharedMappingFile(_ name: String) async throws -> SharedMappingFile?
    /// Shares an admin's correction of an anime's mapping (nil: removed) with the other instances.
    func shareMappingCorrection(aid: Int, correction: MappingCorrection?, changedAt: Double) async throws
    /// Every correction the cluster knows, removals included, with when each last changed.
    func sharedMappingCorrections() async throws -> [SharedMappingCorrection]

    func enqueue(aid: Int, priority: RefreshPriority, now: Double) async throws -> EnqueueOutcome
    func enqueueMissing(
        _ aids: [Int],
        priority: RefreshPriority,
        now: Double,
        notFoundFor: Double
    ) async throws -> MirrorStore.BulkEnqueueOutcome
    func queuePosition(of aid: Int, now: Double) async throws -> QueuePosition?
    /// The queue in fetch order.
    func queuedAIDs() async throws -> [Int]
    func queueSize() async throws -> Int
    /// When AniDB last answered "Anime not found" for `aid`, or nil.
    func notFoundAt(aid: Int) async throws -> Double?
    /// When AniDB was last asked for `aid`, and whether that request is still in flight; nil if never.
    func lastUpstreamRequest(aid: Int) async throws -> (startedAt: Double, inFlight: Bool)?
    /// The most recent upstream attempts, newest first.
    func upstreamLog(limit: Int) async throws -> [UpstreamLogEntry]
    /// Upstream requests by outcome over the 24 hours before `now` (in flight ones as "pending").
    func upstreamOutcomes(now: Double) async throws -> [String: Int]
}

/// A community mapping file as one instance downloaded it for all.
public struct SharedMappingFile: Sendable {
    public var bytes: [UInt8]
    public var etag: String?
    public var lastModified: String?
    public var fetchedAt: Double

    public init(bytes: [UInt8], etag: String?, lastModified: String?, fetchedAt: Double) {
        self.bytes = bytes
        self.etag = etag
        self.lastModified = lastModified
        self.fetchedAt = fetchedAt
    }
}

/// An admin's correction as the cluster shares it; `correction` nil when it was removed.
public struct SharedMappingCorrection: Sendable {
    public var aid: Int
    public var correction: MappingCorrection?
    public var changedAt: Double

    public init(aid: Int, correction: MappingCorrection?, changedAt: Double) {
        self.aid = aid
        self.correction = correction
        self.changedAt = changedAt
    }
}
