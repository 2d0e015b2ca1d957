import Foundation
import Library
import Logging
import Mirror

/// Runs library scans as jobs, one at a time: asking while one runs joins it.
final class LibraryScanService: Sendable {
    let scanner: LibraryScanner
    let jobs: JobCenter
    let logger: Logger
    /// Called after a scan that changed the index (the app starts matching then, as Shoko does).
    let afterChange: @Sendable (ScanReport) -> Void
    private let running = LockedBox<String?>(nil)

    init(scanner: LibraryScanner, jobs: JobCenter, logger: Logger, afterChange: @escaping @Sendable (ScanReport) -> Void = { _ in }) {
        self.scanner = scanner
        self.jobs = jobs
        self.logger = logger
        self.afterChange = afterChange
    }

    var hasFolders: Bool { !scanner.roots.isEmpty }

    /// Starts a scan, or returns the one already running.
    func start() -> JobSnapshot {
        let (job, isNew) = jobs.joinOrCreate(kind: "library-scan", slot: running)
        guard isNew else { return job }
        let (scanner, jobs, logger, running, afterChange) = (scanner, jobs, logger, running, afterChange)
        // The scan is synchronous file-system work: its own thread, off the cooperative pool.
        Thread.detachNewThread {
            jobs.update(job.id) { $0.state = .running }
            let lastUpdate = LockedBox(Date.distantPast)
            var finished: ScanReport?
            do {
                let report = try scanner.scan { progress in
                    // At most ten updates a second reach subscribers.
                    let due = lastUpdate.withLock { last -> Bool in
                        guard Date().timeIntervalSince(last) >= 0.1 else { return false }
                        last = Date()
                        return true
                    }
                    guard due else { return }
                    jobs.update(job.id) {
                        $0.progress = .init(phase: progress.phase.rawValue, done: progress.done, total: progress.total)
                    }
                }
                logger.info("library scan: \(report.summary)")
                finished = report
                jobs.update(job.id) {
                    $0.state = .done
                    $0.result = .scan(report)
                    $0.progress = .init(phase: "done", done: report.found, total: report.found)
                }
            } catch {
                logger.error("library scan failed: \(error)")
                jobs.update(job.id) {
                    $0.state = .failed
                    $0.error = "\(error)"
                }
            }
            running.withLock { if $0 == job.id { $0 = nil } }
            if let finished, finished.added + finished.changed + finished.moved + finished.removed > 0 {
                afterChange(finished)
            }
        }
        return job
    }
}
