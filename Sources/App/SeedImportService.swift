import Foundation
import Logging
import Mirror
import ServiceLifecycle

/// Imports `mirror.seed_dir` once at start-up, in the background, so the server answers meanwhile.
struct SeedImportService: Service {
    let importer: SeedImporter
    let directory: String
    let metrics: MirrorMetrics
    let logger: Logger

    func run() async throws {
        let (importer, directory, logger) = (importer, directory, logger)
        logger.info("seed import started", metadata: ["dir": "\(directory)"])
        // The import is synchronous, CPU-bound work on its own threads; keep it off the cooperative pool.
        let outcome: Result<SeedImporter.Report, any Error> = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(returning: Result { try importer.run(directory: directory) })
            }
        }
        // A failed import (unreadable folder, full disk) is reported, not fatal: the server keeps serving what it has.
        guard case .success(let report) = outcome else {
            if case .failure(let error) = outcome { logger.error("seed import failed: \(error)") }
            try? await gracefulShutdown()
            return
        }
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
        try? await gracefulShutdown()
    }
}
