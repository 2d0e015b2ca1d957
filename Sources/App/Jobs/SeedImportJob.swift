import Foundation
import Logging
import Mirror
import MirrorPostgres
import Numbering
import OffThread

/// Imports `mirror.seed_dir` at start-up as a job of the `JobRunner`, so the server answers meanwhile and
/// `/api/jobs` shows it.
struct SeedImportJob: Sendable {
    let importer: SeedImporter
    /// In a cluster: where the imported documents are shared (once per seed, whichever instance comes first).
    let cluster: PostgresMirrorCopy?
    /// Community mapping files in the seed (`anime-list-master.xml[.gz]`, `anime_ids.json[.gz]`) are kept when the
    /// mirror has none yet or an older one, so a seeded install matches Sonarr-named files before its first download.
    var mappingFiles: MappingFiles? = nil
    let directory: String
    let metrics: MirrorMetrics
    let logger: Logger

    func start(on runner: JobRunner) {
        let (importer, cluster, directory, metrics, logger) = (importer, cluster, directory, metrics, logger)
        let mappingFiles = mappingFiles
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
            if let mappingFiles { await Self.importMapping(from: directory, into: mappingFiles, logger: logger) }
            progress(.init(phase: "done", done: done, total: done))
            return .seedImport(
                .init(imported: report.imported, replaced: report.replaced, unchanged: report.unchanged, failed: report.failures.count)
            )
        }
    }

    /// The seed's mapping files, each kept when newer than the copy the mirror has; a damaged one is reported and
    /// skipped.
    static func importMapping(from directory: String, into files: MappingFiles, logger: Logger) async {
        for kind in MappingFileKind.allCases {
            for name in [kind.fileName + ".gz", kind.fileName] {
                let path = (directory as NSString).appendingPathComponent(name)
                guard let data = FileManager.default.contents(atPath: path) else { continue }
                let modified =
                    ((try? FileManager.default.attributesOfItem(atPath: path))?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
                do {
                    let kept = try await files.store.mappingFileState(kind).fetchedAt
                    if let kept, files.has(kind), kept >= modified { break }
                    var bytes = [UInt8](data)
                    if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, limit: MappingFileKind.maxBytes) }
                    let entries = try await files.install(kind, bytes: bytes, fetchedAt: modified)
                    logger.info("seed: \(kind.fileName) kept (\(entries) anime)")
                } catch {
                    logger.warning("seed: \(name) skipped: \(error)")
                }
                break
            }
        }
    }
}
