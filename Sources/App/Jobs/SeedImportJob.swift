import Foundation
import Logging
import Mirror
import MirrorPostgres
import OffThread

/// Imports `mirror.seed_dir` at start-up as a job of the `JobRunner`, so the server answers meanwhile and
/// `/api/jobs` shows it.
struct SeedImportJob: Sendable {
    let importer: SeedImporter
    /// In a cluster: where the imported documents are shared (once per seed, whichever instance comes first).
    let cluster: PostgresMirrorCopy?
    let directory: String
    let metrics: MirrorMetrics
    let logger: Logger

    func start(on runner: JobRunner) {
        let (importer, cluster, directory, metrics, logger) = (importer, cluster, directory, metrics, logger)
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
            if let cluster {
                progress(.init(phase: "sharing", done: 0, total: done))
                let fingerprint = SeedFingerprint.of(try importer.store.seedFileStates())
                let shared = try await cluster.shareSeed(fingerprint: fingerprint) { copied, total in
                    progress(.init(phase: "sharing", done: copied, total: total))
                }
                logger.info(
                    shared.alreadyShared
                        ? "seed already shared in PostgreSQL by another instance or an earlier start; nothing copied"
                        : "seed shared in PostgreSQL: \(shared.documents) documents copied"
                )
            }
            progress(.init(phase: "done", done: done, total: done))
            return .seedImport(
                .init(imported: report.imported, replaced: report.replaced, unchanged: report.unchanged, failed: report.failures.count)
            )
        }
    }
}
