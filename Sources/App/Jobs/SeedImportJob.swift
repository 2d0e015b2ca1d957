import Foundation
import Logging
import Mirror
import OffThread

/// Imports `mirror.seed_dir` at start-up as a job of the `JobRunner`, so the server answers meanwhile and
/// `/api/jobs` shows it.
struct SeedImportJob: Sendable {
    let importer: SeedImporter
    let directory: String
    let metrics: MirrorMetrics
    let logger: Logger

    func start(on runner: JobRunner) {
        let (importer, directory, metrics, logger) = (importer, directory, metrics, logger)
        _ = runner.submit(kind: "seed-import") { progress in
            logger.info("seed import started", metadata: ["dir": "\(directory)"])
            progress(.init(phase: "importing", done: 0, total: 0))
            // Synchronous, CPU-bound work on its own threads; kept off the cooperative pool. A failed import
            // (unreadable folder, full disk) fails the job; the server keeps serving what it has.
            let report = try await offThread { try importer.run(directory: directory) }
            for failure in report.failures.prefix(50) {
                logger.warning("seed file skipped", metadata: ["file": "\(failure.file)", "reason": "\(failure.reason)"])
            }
            logger.info("seed import finished: \(report.summary)")
            metrics.imported(
                imported: report.imported,
                replaced: report.replaced,
                unchanged: report.unchanged,
                failed: report.failures.count
            )
            let done = report.imported + report.replaced + report.unchanged
            progress(.init(phase: "done", done: done, total: done))
            return .seedImport(
                .init(imported: report.imported, replaced: report.replaced, unchanged: report.unchanged, failed: report.failures.count)
            )
        }
    }
}
