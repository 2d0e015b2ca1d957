internal import GRDB
public import Logging
public import Numbering

/// On one machine the ledger is the mirror's own SQLite file.
extension MirrorStore: UpstreamLedger {
    /// One machine is always the one that fetches. Requests a previous run left in flight (a crash, a kill) stay
    /// counted, marked as interrupted.
    public func asFetcher(logger: Logger, _ work: @escaping @Sendable () async -> Void) async throws {
        try await markInterruptedRequests()
        await work()
    }

    /// The fetcher is this process's only writer of requests and keeps to `limits` itself: nothing can have
    /// overtaken it.
    public func beginUpstreamRequest(target: String, aid: Int?, now: Double, limits: UpstreamLimits) async throws -> Int64? {
        try await beginUpstreamRequest(target: target, aid: aid, now: now)
    }

    public func requestAnswered(_ id: Int64, at time: Double) async throws {
        try await writer.write { db in
            try db.execute(sql: "UPDATE upstreamRequest SET startedAt = MAX(startedAt, ?) WHERE id = ?", arguments: [time, id])
        }
    }

    public func settleTitles(request id: Int64, outcome: UpstreamOutcome, detail: String?, now: Double, banPause: Double) async throws {
        try await writer.write { db in
            try Self.finishUpstreamRequest(id, outcome: outcome, detail: detail, in: db)
            var state = try Self.upstreamState(db)
            state.settleTitles(outcome: outcome, detail: detail, now: now, banPause: banPause)
            try Self.save(state, in: db)
        }
    }

    public func shareTitlesDump(_ gzip: [UInt8], fetchedAt: Double) async throws {}

    public func shareMappingFile(_ name: String, bytes: [UInt8], etag: String?, lastModified: String?, fetchedAt: Double) async throws {}

    public func sharedMappingFile(_ name: String) async throws -> SharedMappingFile? { nil }

    public func shareMappingCorrection(aid: Int, correction: MappingCorrection?, changedAt: Double) async throws {}

    public func sharedMappingCorrections() async throws -> [SharedMappingCorrection] { [] }

    public func queueSize() async throws -> Int {
        try await writer.readOffCooperativePool { db in try Self.queueSize(db) }
    }
}

extension UpstreamState {
    /// What the end of a titles-dump request changes.
    public mutating func settleTitles(outcome: UpstreamOutcome, detail: String?, now: Double, banPause: Double) {
        if outcome == .ok {
            titlesWanted = false
            titlesFetchedAt = now
        } else {
            lastError = "titles dump: \(detail ?? outcome.rawValue)"
            lastErrorAt = now
            if outcome == .banned {
                bannedUntil = now + banPause
                banReason = detail
            }
        }
    }
}
