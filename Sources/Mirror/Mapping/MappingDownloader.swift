import Foundation
public import Logging
import Numbering
public import ServiceLifecycle

/// Keeps the community mapping files current: each at most once a day, with a conditional GET, never through
/// AniDB's budget. A failed or malformed download keeps the copy kept and records why (`/api/mirror/status`,
/// `/mirror`). In a cluster a copy another instance downloaded within the day is taken from PostgreSQL instead.
public final class MappingDownloader: Service {
    public static let day: Double = 86_400
    /// Without any copy a failed download is tried again after an hour, not a day.
    public static let retryWithoutCopy: Double = 3_600

    let files: MappingFiles
    let transport: any MappingTransport
    let urls: [MappingFileKind: String]
    let clock: any MirrorClock
    let logger: Logger
    /// Called after a new copy was kept (a match run may now place more files).
    let changed: @Sendable () async -> Void

    public init(
        files: MappingFiles,
        transport: any MappingTransport,
        urls: [MappingFileKind: String],
        clock: any MirrorClock,
        logger: Logger,
        changed: @escaping @Sendable () async -> Void = {}
    ) {
        self.files = files
        self.transport = transport
        self.urls = urls.filter { !$0.value.isEmpty }
        self.clock = clock
        self.logger = logger
        self.changed = changed
    }

    public func run() async throws {
        defer { Task { await transport.shutdown() } }
        // Nothing to download: stay until the app stops (a service that returns would stop the whole group).
        guard !urls.isEmpty else {
            try? await gracefulShutdown()
            return
        }
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                var next = self.clock.now() + Self.day
                for kind in MappingFileKind.allCases where self.urls[kind] != nil {
                    do {
                        let due = try await self.dueAt(kind)
                        if due <= self.clock.now() {
                            if try await self.refresh(kind) { await self.changed() }
                            next = min(next, try await self.dueAt(kind))
                        } else {
                            next = min(next, due)
                        }
                    } catch is CancellationError {
                        return
                    } catch {
                        self.logger.error("mapping: \(kind.fileName): \(error)")
                        next = min(next, self.clock.now() + Self.retryWithoutCopy)
                    }
                }
                try await self.clock.sleep(until: next)
            }
        }
    }

    /// When `kind` should next be downloaded: a day after the last attempt, or an hour when there is no copy.
    public func dueAt(_ kind: MappingFileKind) async throws -> Double {
        let state = try await files.store.mappingFileState(kind)
        guard let attempted = state.attemptedAt else { return 0 }
        let hasCopy = files.has(kind)
        return attempted + (hasCopy ? Self.day : Self.retryWithoutCopy)
    }

    /// One download of `kind` (or a shared copy); true when a new copy was kept.
    @discardableResult
    public func refresh(_ kind: MappingFileKind) async throws -> Bool {
        guard let url = urls[kind] else { return false }
        let now = clock.now()
        var state = try await files.store.mappingFileState(kind)
        if let shared = try await files.ledger.sharedMappingFile(kind.fileName), (now - shared.fetchedAt) < Self.day,
            shared.fetchedAt > (state.fetchedAt ?? 0)
        {
            let entries = try await files.takeShared(kind, shared)
            try await markAttempted(kind, at: now)
            logger.info("mapping: \(kind.fileName) from the shared database (\(entries) anime)")
            return true
        }
        state.attemptedAt = now
        try await files.store.saveMappingFileState(state)
        let hasCopy = files.has(kind)
        do {
            let response = try await transport.get(url, etag: hasCopy ? state.etag : nil, lastModified: hasCopy ? state.lastModified : nil)
            switch response.status {
            case 304 where hasCopy:
                state.fetchedAt = now
                state.error = nil
                state.errorAt = nil
                try await files.store.saveMappingFileState(state)
                logger.info("mapping: \(kind.fileName) unchanged (304)")
                return false
            case 200:
                let entries = try await files.install(
                    kind,
                    bytes: response.body,
                    fetchedAt: now,
                    etag: response.etag,
                    lastModified: response.lastModified
                )
                logger.info("mapping: downloaded \(kind.fileName) (\(entries) anime)")
                return true
            default:
                try await fail(kind, "HTTP \(response.status) from \(Self.host(url))", now: now)
                return false
            }
        } catch let error as TransportError {
            try await fail(kind, "\(error.description) (\(Self.host(url)))", now: now)
        } catch let error as MappingFileError {
            try await fail(kind, "the download was refused: \(error.description)", now: now)
        }
        return false
    }

    private func markAttempted(_ kind: MappingFileKind, at now: Double) async throws {
        var state = try await files.store.mappingFileState(kind)
        state.attemptedAt = now
        try await files.store.saveMappingFileState(state)
    }

    private func fail(_ kind: MappingFileKind, _ reason: String, now: Double) async throws {
        var state = try await files.store.mappingFileState(kind)
        let kept = files.has(kind)
        state.error = reason + (kept ? "; the last good copy is kept" : "; there is no copy yet")
        state.errorAt = now
        try await files.store.saveMappingFileState(state)
        logger.warning("mapping: \(kind.fileName): \(state.error ?? reason)")
    }

    /// The URL's host only: a mapping URL may carry a token in its path or query.
    static func host(_ url: String) -> String {
        URL(string: url)?.host ?? "the configured address"
    }
}
