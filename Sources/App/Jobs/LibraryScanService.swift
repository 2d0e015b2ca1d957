import Foundation
import Library
import Logging
import Mirror
import OffThread

/// Library scans as jobs of the `JobRunner`: asking while one runs joins it. A scan that changed the index is
/// followed by matching (as Shoko does); the index records that need in the same transaction as the change.
struct LibraryScanService: Sendable {
    let scanner: LibraryScanner
    let runner: JobRunner
    /// Shared with targeted updates: one change of the index at a time.
    let gate: LibraryWriteGate
    let logger: Logger
    /// Looks into each media folder before the walk, so a share that does not answer is left out rather than hang it.
    let mountGuard: MountGuard
    /// Called after a scan that changed the index.
    let afterChange: @Sendable (ScanReport) -> Void
    /// Called after a scan that found known files out of reach (an unmounted disk).
    var afterOffline: @Sendable (ScanReport) -> Void = { _ in }

    var hasFolders: Bool { !scanner.roots.isEmpty }

    /// Starts a scan, or returns the one already running.
    func start() -> JobSnapshot {
        let (scanner, logger, afterChange, afterOffline, gate, mountGuard) = (
            scanner, logger, afterChange, afterOffline, gate, mountGuard
        )
        return runner.submit(kind: "library-scan") { progress in
            let unanswering = await MediaFolderState.unanswering(scanner.roots, through: mountGuard)
            for folder in unanswering.sorted() { logger.warning("library scan: media folder \(folder) does not answer; not scanned") }
            // The scan is synchronous file-system work: its own thread, off the cooperative pool.
            let report = try await gate.run {
                try await offThread {
                    try scanner.scan(unanswering: unanswering) { step in
                        progress(.init(phase: step.phase.rawValue, done: step.done, total: step.total))
                    }
                }
            }
            logger.info("library scan: \(report.summary)")
            progress(.init(phase: "done", done: report.found, total: report.found))
            if report.added + report.changed + report.moved + report.removed > 0 { afterChange(report) }
            if report.offline > 0 { afterOffline(report) }
            return .scan(report)
        }
    }
}
