import Foundation
import Logging
import Mirror
import ServiceLifecycle

/// Imports `mirror.seed_dir` once at start-up, in the background, so the server answers meanwhile.
struct SeedImportService: Service {
    let importer: SeedImporter
    let directory: String
    let logger: Logger

    func run() async throws {
        let (importer, directory, logger) = (importer, directory, logger)
        logger.info("seed import started", metadata: ["dir": "\(directory)"])
        // The import is synchronous, CPU-bound work on its own threads; keep it off the cooperative pool.
        let report: SeedImporter.Report = try await withCheckedThrowingContinuation { continuation in
            Thread.detachNewThread {
                continuation.resume(with: Result { try importer.run(directory: directory) })
            }
        }
        for failure in report.failures.prefix(50) {
            logger.warning("seed file skipped", metadata: ["file": "\(failure.file)", "reason": "\(failure.reason)"])
        }
        logger.info("seed import finished: \(report.summary)")
        try? await gracefulShutdown()
    }
}
