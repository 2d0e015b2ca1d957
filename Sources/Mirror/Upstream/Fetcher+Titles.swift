import Foundation
import Logging

extension Fetcher {
    /// Where the titles dump is kept, as AniDB's gzip bytes.
    public var titlesDumpPath: String { settings.dataDirectory + "/anime-titles.xml.gz" }

    /// A titles dump is there (without reading its megabytes).
    public var hasTitlesDump: Bool { FileManager.default.fileExists(atPath: titlesDumpPath) }

    /// When the titles dump file was last written (every replacement writes it), or nil when there is none.
    public var titlesDumpModified: Double? {
        let attributes = try? FileManager.default.attributesOfItem(atPath: titlesDumpPath)
        return (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970
    }

    /// The titles dump as AniDB serves it (gzip bytes), or nil when none was downloaded yet.
    public func titlesDump() -> [UInt8]? {
        FileManager.default.contents(atPath: titlesDumpPath).map { [UInt8]($0) }
    }

    /// Says that something needs the titles dump: it is downloaded when missing, or when older than the stale
    /// period (never more than once a day, never during a ban).
    public func needTitles() async throws {
        let now = clock.now()
        let maxAge = max(UpstreamLimits.day, limits.staleAfter)
        let state = try await ledger.upstreamState()
        if let fetched = state.titlesFetchedAt, now - fetched < maxAge, hasTitlesDump { return }
        if state.titlesWanted { return }
        try await ledger.updateUpstreamState { $0.titlesWanted = true }
        wake.signal()
    }

    func fetchTitles() async throws {
        defer { upstreamChanged.signal() }
        let started = clock.now()
        guard let request = try await ledger.beginUpstreamRequest(target: "titles", aid: nil, now: started, limits: limits)
        else { return }
        // Counted as attempted before anything can fail: at most one download a day, whatever happens.
        try await ledger.updateUpstreamState { $0.titlesAttemptedAt = started }
        let outcome: UpstreamOutcome
        var detail: String?
        do {
            let response = try await transport.get(settings.titlesURL)
            if response.status == 429 || response.status == 503 {
                outcome = .banned
                detail = "HTTP \(response.status)"
            } else if response.status != 200 {
                outcome = .transient
                detail = "HTTP \(response.status)"
            } else {
                let xml = try AniDBReply.unpack(response.body, limit: 512 * 1024 * 1024)
                let anime = try TitlesDumpParser.parse(xml)
                try await store.replaceDumpTitles(anime)
                // Kept as AniDB's gzip file, which is what `/api/anime-titles.xml.gz` serves.
                let gzip = Gzip.isGzip(response.body) ? response.body : try Gzip.compress(xml)
                try AtomicFile.write(gzip, to: titlesDumpPath)
                try await ledger.shareTitlesDump(gzip, fetchedAt: clock.now())
                outcome = .ok
                logger.info("downloaded the AniDB titles dump: \(anime.count) anime")
            }
        } catch let error as TransportError {
            outcome = .transient
            detail = settings.redact(error.description)
        } catch {
            outcome = .invalid
            detail = settings.redact(String(describing: error))
        }
        try await ledger.requestAnswered(request, at: clock.now())
        metrics.upstreamRequest(target: "titles", outcome: outcome)
        let now = clock.now()
        try await ledger.settleTitles(request: request, outcome: outcome, detail: detail, now: now, banPause: limits.banPause)
        if outcome != .ok { logger.warning("titles dump download failed (\(outcome.rawValue)): \(detail ?? "")") }
    }
}

extension Fetcher {
    /// Imports a titles dump someone already has (`anikura mirror titles FILE`): AniDB's gzip file or its XML.
    /// It counts as fetched at `fetchedAt` (the file's modification time), so the daily download waits a day from
    /// then. Returns the number of anime in it. Nothing is stored unless the whole dump parses.
    public func importTitles(_ bytes: [UInt8], fetchedAt: Double) async throws -> Int {
        let xml = Gzip.isGzip(bytes) ? try Gzip.decompress(bytes, limit: 512 * 1024 * 1024) : bytes
        let anime = try TitlesDumpParser.parse(xml)
        guard !anime.isEmpty else { throw Mirror.DocumentError(.malformed("the titles dump lists no anime")) }
        try await store.replaceDumpTitles(anime)
        try AtomicFile.write(Gzip.isGzip(bytes) ? bytes : try Gzip.compress(xml), to: titlesDumpPath)
        try await ledger.updateUpstreamState {
            $0.titlesFetchedAt = max($0.titlesFetchedAt ?? 0, fetchedAt)
            $0.titlesWanted = false
        }
        upstreamChanged.signal()
        return anime.count
    }
}
