import Dispatch
import Foundation
internal import GRDB

#if canImport(Glibc)
import Glibc
#endif

/// Imports a folder of AniDB documents (`<aid>.xml`, `AnimeDoc_<aid>.xml`, and zip archives of them).
///
/// Files are validated in parallel and written in batches, each batch one transaction holding whole
/// documents, so a crash mid-import leaves every document either as it was or fully replaced.
/// A file whose size and modification time match the last import is skipped without being read.
public struct SeedImporter: Sendable {
    public struct Progress: Sendable {
        public var done: Int
        public var total: Int
        public var failed: Int
        public var elapsed: Double
        public var phase: Phase = .importing

        public enum Phase: Sendable { case importing, indexing }
    }

    public struct Failure: Sendable, Equatable, CustomStringConvertible {
        public var file: String
        public var reason: String
        public var description: String { "\(file): \(reason)" }
    }

    public struct Report: Sendable {
        /// Documents stored for aids we did not have.
        public var imported = 0
        /// Documents that replaced a stored one with different bytes.
        public var replaced = 0
        /// Sources skipped: unchanged since the last import, identical bytes, or older than what is stored.
        public var unchanged = 0
        public var failures: [Failure] = []
        public var seconds = 0.0
        /// Time spent reading and validating (wall, all cores) and writing (the one writer), for tuning.
        public var validateSeconds = 0.0
        public var writeSeconds = 0.0
        /// Rebuilding indexes after a bulk import.
        public var indexSeconds = 0.0
        /// The bulk load ran with a rollback journal instead of the WAL (see `BulkLoadJournal`).
        public var usedRollbackJournal = false

        public var summary: String {
            let rate = seconds > 0 ? Double(imported + replaced + unchanged) / seconds : 0
            return "imported \(imported), replaced \(replaced), unchanged \(unchanged), failed \(failures.count) "
                + "in \(String(format: "%.2f", seconds)) s (\(Int(rate)) files/s; validating \(String(format: "%.1f", validateSeconds)) s, "
                + "writing \(String(format: "%.1f", writeSeconds)) s, indexing \(String(format: "%.1f", indexSeconds)) s)"
        }
    }

    public let store: MirrorStore
    let parser: AnimeDocumentParser
    let batchSize: Int

    /// Imports of at least this many documents, and more than the mirror already holds, rebuild the secondary
    /// indexes at the end instead of updating them row by row.
    let bulkThreshold: Int

    /// Lets a bulk load leave the WAL for a rollback journal when no other connection has the file open.
    /// For a process that only imports (the `mirror import` command): while the file is out of WAL, readers
    /// that open it wait for each batch's commit instead of reading alongside it.
    let rollbackJournalForBulkLoad: Bool

    public init(
        store: MirrorStore,
        parser: AnimeDocumentParser = .init(),
        batchSize: Int = 256,
        bulkThreshold: Int = 1_000,
        rollbackJournalForBulkLoad: Bool = false
    ) {
        self.store = store
        self.parser = parser
        self.batchSize = batchSize
        self.bulkThreshold = bulkThreshold
        self.rollbackJournalForBulkLoad = rollbackJournalForBulkLoad
    }

    /// Runs the import synchronously (call it off the cooperative pool; it uses every core).
    public func run(directory: String, progress: (@Sendable (Progress) -> Void)? = nil) throws -> Report {
        let started = Date()
        var report = Report()
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw SeedImportError(message: "seed folder \(directory) does not exist or is not a folder")
        }
        let known = try store.seedFileStates()
        var sources: [SeedSource] = []
        try discover(directory, known: known, into: &sources, report: &report)
        sources = pickNewestPerAID(sources, report: &report)

        // Sources whose size and time are unchanged since the last import are not read again.
        let pending = sources.filter { source in
            if let state = known[source.key], state.size == source.size, state.modifiedAt == source.modifiedAt,
                state.aid == source.aid
            {
                report.unchanged += 1
                return false
            }
            return true
        }
        let stored = try storedVersions()
        try store.writer.write { try MirrorSchema.restoreIndexes($0) }  // repairs an import that died midway
        let bulk = pending.count >= bulkThreshold && pending.count > stored.count
        if bulk { try store.writer.write { try MirrorSchema.dropIndexesForBulkLoad($0) } }
        report.usedRollbackJournal = bulk && rollbackJournalForBulkLoad && BulkLoadJournal.enter(store.writer)
        defer { if report.usedRollbackJournal { BulkLoadJournal.leave(store.writer) } }
        do {
            try load(pending, stored: stored, report: &report, started: started, progress: progress)
        } catch {
            if bulk { try? store.writer.write { try MirrorSchema.restoreIndexes($0) } }
            throw error
        }
        if bulk {
            progress?(
                Progress(
                    done: pending.count,
                    total: pending.count,
                    failed: report.failures.count,
                    elapsed: Date().timeIntervalSince(started),
                    phase: .indexing
                )
            )
            let indexStart = ContinuousClock.now
            try store.writer.write { try MirrorSchema.restoreIndexes($0) }
            report.indexSeconds = (ContinuousClock.now - indexStart).seconds
        }
        report.seconds = Date().timeIntervalSince(started)
        return report
    }

    private func load(
        _ pending: [SeedSource],
        stored: [Int: (etag: String, fetchedAt: Double)],
        report: inout Report,
        started: Date,
        progress: (@Sendable (Progress) -> Void)?
    ) throws {
        // In WAL mode a crashed process still leaves every transaction whole; skipping fsync during the bulk
        // import only risks the last batches on power loss, and they are re-imported next time.
        // Foreign keys are declared for integrity, but checking them costs a lookup per row; the store writes
        // parents before children and deletes children explicitly, so the bulk import runs without them.
        try store.writer.writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA synchronous = OFF; PRAGMA foreign_keys = OFF")
        }
        defer {
            try? store.writer.writeWithoutTransaction {
                try $0.execute(sql: "PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON")
            }
        }
        let total = pending.count
        var done = 0
        // The one writer is the slowest stage: it is kept busy with a batch always waiting for it, and the validators
        // leave it a core of its own (on two cores, one validating thread keeps pace with the writer).
        let writer = DispatchQueue(label: "anikura.seed-import.writer")
        let writes = DispatchGroup()
        let writeSlots = DispatchSemaphore(value: 2)
        let validators = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        let writeError = LockedBox<(any Swift.Error)?>(nil)
        let writeSeconds = LockedBox(0.0)
        var start = 0
        while start < pending.count {
            let batch = Array(pending[start..<min(start + batchSize, pending.count)])
            start += batch.count
            let validateStart = ContinuousClock.now
            let outcomes = validate(batch, threads: validators)
            report.validateSeconds += (ContinuousClock.now - validateStart).seconds
            var documents: [StoredDocument] = []
            var touched: [SeedFileState] = []
            var newAIDs: Set<Int> = []
            for (source, outcome) in zip(batch, outcomes) {
                switch outcome {
                case .failure(let reason):
                    report.failures.append(Failure(file: source.key, reason: reason.reason))
                case .success(let document):
                    if let existing = stored[source.aid] {
                        if existing.etag == document.etag || existing.fetchedAt > document.fetchedAt {
                            report.unchanged += 1  // same bytes, or older than what we already have
                            touched.append(source.state)
                            continue
                        }
                        report.replaced += 1
                    } else {
                        report.imported += 1
                        newAIDs.insert(source.aid)
                    }
                    documents.append(document)
                    touched.append(source.state)
                }
            }
            // Batches are written while the next ones are parsed; at most two wait for the writer or are being written.
            writeSlots.wait()
            if let error = writeError.value {
                writeSlots.signal()  // the slot goes unused; libdispatch requires a semaphore whole when it is freed
                writes.wait()
                throw error
            }
            let now = Date().timeIntervalSince1970
            writer.async(group: writes) { [store, documents, touched, newAIDs] in
                defer { writeSlots.signal() }
                guard writeError.value == nil else { return }  // a failed batch stops the ones queued behind it
                let writeStart = ContinuousClock.now
                do { try store.store(documents, seedFiles: touched, newAIDs: newAIDs, now: now) } catch {
                    writeError.value = error
                }
                writeSeconds.withLock { $0 += (ContinuousClock.now - writeStart).seconds }
            }
            done += batch.count
            progress?(
                Progress(
                    done: done,
                    total: total,
                    failed: report.failures.count,
                    elapsed: Date().timeIntervalSince(started)
                )
            )
        }
        writes.wait()
        if let error = writeError.value { throw error }
        report.writeSeconds = writeSeconds.value
    }

    /// Reads and validates `batch` on `threads` threads (the caller's among them).
    private func validate(_ batch: [SeedSource], threads: Int) -> [Result<StoredDocument, ValidationFailure>] {
        let results = LockedBox([Result<StoredDocument, ValidationFailure>?](repeating: nil, count: batch.count))
        let parser = parser
        let threads = min(threads, batch.count)
        DispatchQueue.concurrentPerform(iterations: threads) { thread in
            for index in stride(from: thread, to: batch.count, by: threads) {
                let outcome = Self.validate(batch[index], parser: parser)
                results.withLock { $0[index] = outcome }
            }
        }
        return results.value.map { $0! }
    }

    private static func validate(_ source: SeedSource, parser: AnimeDocumentParser) -> Result<StoredDocument, ValidationFailure> {
        do {
            let bytes = try source.readBytes(limit: parser.maxBytes)
            return .success(
                try StoredDocument.validate(
                    bytes,
                    expectedAID: source.aid,
                    fileTime: source.modifiedAt > 0 ? source.modifiedAt : nil,
                    parser: parser
                )
            )
        } catch {
            return .failure(ValidationFailure(reason: "\(error)"))
        }
    }

    struct ValidationFailure: Swift.Error {
        var reason: String
    }

    private func storedVersions() throws -> [Int: (etag: String, fetchedAt: Double)] {
        try store.writer.read { db in
            var result: [Int: (etag: String, fetchedAt: Double)] = [:]
            let rows = try DocumentVersionRow.fetchCursor(db, sql: "SELECT id, etag, fetchedAt FROM anime")
            while let row = try rows.next() { result[row.id] = (row.etag, row.fetchedAt) }
            return result
        }
    }

    // MARK: - Discovery

    private func discover(
        _ directory: String,
        known: [String: SeedFileState],
        into sources: inout [SeedSource],
        report: inout Report
    ) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else {
            report.failures.append(Failure(file: directory, reason: "folder cannot be read"))
            return
        }
        for name in names.sorted() where !name.hasPrefix(".") {
            let path = directory.hasSuffix("/") ? directory + name : directory + "/" + name
            var info = stat()
            guard stat(path, &info) == 0 else {
                report.failures.append(Failure(file: path, reason: "cannot stat: \(String(cString: strerror(errno)))"))
                continue
            }
            let modifiedAt = Double(info.st_mtim.tv_sec) + Double(info.st_mtim.tv_nsec) / 1e9
            if (info.st_mode & S_IFMT) == S_IFDIR {
                var link = stat()
                // Only real folders are entered, so a link to an ancestor cannot loop the walk.
                if lstat(path, &link) == 0, (link.st_mode & S_IFMT) == S_IFDIR {
                    try discover(path, known: known, into: &sources, report: &report)
                }
                continue
            }
            guard (info.st_mode & S_IFMT) == S_IFREG else { continue }
            if name.lowercased().hasSuffix(".zip") {
                discoverZip(path, size: Int(info.st_size), modifiedAt: modifiedAt, into: &sources, report: &report)
            } else if name.lowercased().hasSuffix(".xml") {
                guard let aid = SeedSource.aid(fromFileName: name) else {
                    report.failures.append(Failure(file: path, reason: "name is not <aid>.xml or AnimeDoc_<aid>.xml"))
                    continue
                }
                sources.append(
                    SeedSource(
                        location: .file(path: path),
                        aid: aid,
                        size: Int(info.st_size),
                        modifiedAt: modifiedAt
                    )
                )
            }
        }
    }

    private func discoverZip(
        _ path: String,
        size: Int,
        modifiedAt: Double,
        into sources: inout [SeedSource],
        report: inout Report
    ) {
        do {
            for entry in try ZipArchive(path: path).entries() where !entry.name.hasSuffix("/") {
                guard entry.name.lowercased().hasSuffix(".xml") else { continue }
                guard let aid = SeedSource.aid(fromFileName: entry.name) else {
                    report.failures.append(
                        Failure(
                            file: path + "!" + entry.name,
                            reason: "name is not <aid>.xml or AnimeDoc_<aid>.xml"
                        )
                    )
                    continue
                }
                sources.append(
                    SeedSource(
                        location: .zipEntry(archive: path, entry: entry),
                        aid: aid,
                        size: entry.uncompressedSize,
                        modifiedAt: entry.modifiedAt
                    )
                )
            }
        } catch {
            report.failures.append(Failure(file: path, reason: "\(error)"))
        }
    }

    /// Two files for one aid (`1.xml` and `AnimeDoc_1.xml`): the newer one wins.
    private func pickNewestPerAID(_ sources: [SeedSource], report: inout Report) -> [SeedSource] {
        var best: [Int: SeedSource] = [:]
        for source in sources {
            if let current = best[source.aid] {
                report.unchanged += 1
                if source.modifiedAt > current.modifiedAt { best[source.aid] = source }
            } else {
                best[source.aid] = source
            }
        }
        return best.values.sorted { $0.aid < $1.aid }
    }
}

public struct SeedImportError: Swift.Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}

extension Duration {
    var seconds: Double { Double(components.seconds) + Double(components.attoseconds) / 1e18 }
}
