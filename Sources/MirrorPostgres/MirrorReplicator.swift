import Foundation
public import Logging
public import Mirror
import OffThread
import PostgresNIO
public import ServiceLifecycle

/// Keeps this instance's store a copy of the cluster's documents: at start (and after every reconnect) it pulls
/// what is newer in PostgreSQL, then listens, so a document another instance fetched is served here within
/// moments, and a client waiting here for it is answered.
public final class MirrorReplicator: Service {
    let ledger: PostgresLedger
    let fetcher: Fetcher
    /// Where the community mapping files shared through PostgreSQL are kept here; nil leaves them alone.
    let mappingFiles: MappingFiles?
    let logger: Logger
    let parser = AnimeDocumentParser()
    /// True once the first catch-up finished: this instance serves everything the cluster has.
    private let caughtUp = LockedBox(false)

    public init(ledger: PostgresLedger, fetcher: Fetcher, mappingFiles: MappingFiles? = nil, logger: Logger) {
        self.ledger = ledger
        self.fetcher = fetcher
        self.mappingFiles = mappingFiles
        self.logger = logger
    }

    public var isCaughtUp: Bool { caughtUp.withLock { $0 } }

    public func run() async throws {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.ledger.ready()
                    try await self.ledger.client.withConnection { connection in
                        try await connection.listen(on: PostgresMirrorSchema.channel) { notifications in
                            // Listening first, then catching up: nothing that lands in between is missed.
                            try await self.catchUp()
                            for try await notification in notifications { try await self.handle(notification.payload) }
                        }
                    }
                } catch {
                    if Task.isCancelled { return }
                    self.logger.error("replica: \(String(reflecting: error)); reconnecting")
                    try? await Task.sleep(for: .seconds(1))
                }
            }
        }
    }

    /// Pulls every document PostgreSQL has newer than this store's, and the titles dump if it is newer.
    public func catchUp() async throws {
        // Bounded as the fetcher's steps are: a catch-up under way when the database goes silent must not hold a stop.
        let shared = try await ledger.step("the shared documents' versions") { [ledger, logger] in
            try await PostgresDocuments.versions(client: ledger.client, logger: logger)
        }
        let local = try await ledger.local.documentVersions()
        let wanted = shared.filter { aid, fetchedAt in local[aid].map { $0 < fetchedAt } ?? true }.keys.sorted()
        if !wanted.isEmpty {
            let started = Date()
            for start in stride(from: 0, to: wanted.count, by: 200) {
                try await pull(Array(wanted[start..<min(start + 200, wanted.count)]))
            }
            logger.info(
                "replica: \(wanted.count) documents from PostgreSQL in \(String(format: "%.1f", Date().timeIntervalSince(started))) s"
            )
        }
        try await pullTitlesIfNewer()
        for kind in MappingFileKind.allCases { try await pullMappingIfNewer(kind.fileName) }
        try await mappingFiles?.pullSharedCorrections()
        caughtUp.withLock { $0 = true }
    }

    func pull(_ aids: [Int]) async throws {
        let rows = try await ledger.step("the shared documents") { [ledger, logger] in
            try await PostgresDocuments.fetch(aids, client: ledger.client, logger: logger)
        }
        let parser = self.parser
        let logger = self.logger
        let documents = await offThread { () -> [StoredDocument] in
            rows.compactMap { aid, xml, fetchedAt in
                do {
                    return try StoredDocument.validate(xml, expectedAID: aid, fileTime: fetchedAt, parser: parser)
                } catch {
                    logger.error("replica: the shared document for anime \(aid) does not parse: \(error)")
                    return nil
                }
            }
        }
        try await ledger.local.storeReplica(documents, now: Date().timeIntervalSince1970)
    }

    func pullTitlesIfNewer() async throws {
        guard let dump = try await ledger.titlesDump() else { return }
        let state = try? FileManager.default.attributesOfItem(atPath: fetcher.titlesDumpPath)
        let localTime = (state?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        guard dump.fetchedAt > localTime + 1 else { return }
        let count = try await fetcher.importTitles(dump.gzip, fetchedAt: dump.fetchedAt)
        try? FileManager.default.setAttributes(
            [.modificationDate: Date(timeIntervalSince1970: dump.fetchedAt)],
            ofItemAtPath: fetcher.titlesDumpPath
        )
        logger.info("replica: the titles dump from PostgreSQL (\(count) anime)")
    }

    /// Takes a community mapping file another instance downloaded, when it is newer than the copy kept here.
    func pullMappingIfNewer(_ name: String) async throws {
        guard let files = mappingFiles, let kind = MappingFileKind(rawValue: name),
            let shared = try await ledger.sharedMappingFile(name)
        else { return }
        let local = try await ledger.local.mappingFileState(kind)
        guard shared.fetchedAt > (local.fetchedAt ?? 0) else { return }
        do {
            let entries = try await files.takeShared(kind, shared)
            logger.info("replica: \(name) from PostgreSQL (\(entries) anime)")
        } catch {
            logger.error("replica: the shared \(name) was refused: \(error)")
        }
    }

    /// One notification (`LedgerNotification` says which there are).
    func handle(_ payload: String) async throws {
        guard let notification = LedgerNotification(payload: payload) else {
            logger.debug("replica: unknown notification \(payload)")
            return
        }
        let fromHere = notification.instance == ledger.instance
        switch notification {
        case .queued:
            fetcher.workArrived()
        case .changed:
            try await catchUp()
        case .stored(let aid, _):
            if !fromHere { try await pull([aid]) }
            fetcher.landed(aid, .stored)
        case .settled(let aid, let outcome, _):
            guard !fromHere else { return }
            fetcher.landed(aid, outcome == .notFound ? .notFound : .failed("the upstream request ended: \(outcome.rawValue)"))
        case .correction:
            if !fromHere { try await mappingFiles?.pullSharedCorrections() }
        case .mapping(let name, _):
            if !fromHere { try await pullMappingIfNewer(name) }
        case .titles(let outcome, _):
            if outcome == .ok, !fromHere { try await pullTitlesIfNewer() }
            // A failed download elsewhere ends a wait for the titles here too.
            fetcher.upstreamChanged.signal()
        }
    }
}
