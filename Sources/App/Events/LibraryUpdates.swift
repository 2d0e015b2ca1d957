import Foundation
import Library
import Logging
import OffThread
import ServiceLifecycle
import Synchronization

/// What a targeted update did: the rescan of the paths that changed, then the matching of the files there.
struct LibraryUpdateReport: Sendable, Codable, Equatable {
    var paths: [String]
    var scan: ScanReport
    var match: MatchReport?
}

/// Targeted rescans, one batch at a time: the folder watcher, Sonarr's and Radarr's webhooks and
/// `POST /api/library/scan {"paths"}` hand in paths; each batch rescans only those (`LibraryScanner.scan(paths:)`),
/// keeps what a webhook said the files are, and matches the files there at once. Paths handed in while a batch
/// runs go into the next one, which takes them all. Each batch is a job (`GET /api/jobs/{id}`), kind `library-update`.
///
/// Whole-library scans and these take turns (`LibraryWriteGate`), so no two change the index at once.
final class LibraryUpdates: Service, Sendable {
    /// One request: paths to rescan, those known to be deleted, and what a webhook said the files are.
    struct Request: Sendable {
        var paths: [String]
        var gone: Set<String> = []
        var hints: [String: FileHint] = [:]
    }

    private struct Pending {
        var job: JobSnapshot
        var paths: Set<String> = []
        var gone: Set<String> = []
        var hints: [String: FileHint] = [:]
    }

    let scanner: LibraryScanner
    let index: LibraryIndex
    let matching: LibraryMatching
    let jobs: JobCenter
    let gate: LibraryWriteGate
    let logger: Logger
    /// Looks into the media folders a batch touches first, so one that does not answer is left out, not waited on
    /// with the index's write gate held.
    let mountGuard: MountGuard
    private let pending = Mutex<Pending?>(nil)
    private let wake: AsyncStream<Void>
    private let wakeUp: AsyncStream<Void>.Continuation
    /// Told when a batch found known files out of reach (an unmounted disk).
    let afterOffline: @Sendable (ScanReport) -> Void

    init(
        scanner: LibraryScanner,
        index: LibraryIndex,
        matching: LibraryMatching,
        jobs: JobCenter,
        gate: LibraryWriteGate,
        logger: Logger,
        mountGuard: MountGuard,
        afterOffline: @escaping @Sendable (ScanReport) -> Void = { _ in }
    ) {
        self.scanner = scanner
        self.index = index
        self.matching = matching
        self.jobs = jobs
        self.gate = gate
        self.logger = logger
        self.mountGuard = mountGuard
        self.afterOffline = afterOffline
        (wake, wakeUp) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(1))
    }

    /// Queues `request` into the next batch and returns that batch's job.
    @discardableResult
    func submit(_ request: Request) -> JobSnapshot {
        let job = pending.withLock { pending -> JobSnapshot in
            var batch = pending ?? Pending(job: jobs.create(kind: "library-update"))
            batch.paths.formUnion(request.paths)
            batch.gone.formUnion(request.gone)
            batch.hints.merge(request.hints) { _, new in new }
            pending = batch
            return batch.job
        }
        wakeUp.yield()
        return job
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            for await _ in wake {
                while let batch = pending.withLock({ pending -> Pending? in
                    defer { pending = nil }
                    return pending
                }) {
                    await process(batch)
                }
            }
        } onGracefulShutdown: {
            self.wakeUp.finish()
        }
    }

    private func process(_ batch: Pending) async {
        let id = batch.job.id
        jobs.update(id) {
            $0.state = .running
            $0.progress = .init(phase: "scanning", done: 0, total: batch.paths.count)
        }
        // Thousands of paths at once (a library moved in): their folders are enough.
        let paths = batch.paths.count > 200 ? Set(batch.paths.map(LibraryScanner.parent)) : batch.paths
        let (scanner, index) = (scanner, index)
        let roots = Set(paths.compactMap { scanner.root(of: LibraryScanner.trimmedPath($0)) })
        let unanswering = await MediaFolderState.unanswering(Array(roots), through: mountGuard)
        for folder in unanswering.sorted() { logger.warning("library update: media folder \(folder) does not answer; not scanned") }
        do {
            let scan = try await gate.run {
                try await offThread { () throws -> ScanReport in
                    let report = try scanner.scan(paths: Array(paths), gone: batch.gone, unanswering: unanswering)
                    try index.saveHints(batch.hints)
                    return report
                }
            }
            var report = LibraryUpdateReport(paths: Array(paths).sorted(), scan: scan, match: nil)
            let changed = scan.added + scan.changed + scan.moved + scan.removed > 0 || !batch.hints.isEmpty
            if changed {
                jobs.update(id) { $0.progress = .init(phase: "matching", done: 0, total: scan.found) }
                let inside = paths.filter { scanner.root(of: $0) != nil }
                report.match = try await matching.run(scope: .paths(Array(inside)))
            }
            logger.info("library update of \(paths.count) paths: \(scan.summary)")
            if scan.offline > 0 { afterOffline(scan) }
            jobs.update(id) {
                $0.state = .done
                $0.result = .update(report)
                $0.progress = .init(phase: "done", done: scan.found, total: scan.found)
            }
        } catch {
            logger.error("library update failed: \(error)")
            jobs.update(id) {
                $0.state = .failed
                $0.error = "\(error)"
            }
        }
    }
}

/// Lets one change of the library index run at a time: a whole scan and a targeted update would otherwise both
/// add the same new file.
final class LibraryWriteGate: Sendable {
    private let gate = AsyncGate()

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        try await gate.run(body)
    }
}
