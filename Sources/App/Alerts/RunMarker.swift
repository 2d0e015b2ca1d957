import Foundation
import Logging
import Mirror
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// `data/anikura.running`: written at start, removed after a clean stop. Found at start, it means the last run ended
/// without one (a crash, `kill -9`, a power cut): an alert says so. First in the service group, so it stops last.
struct RunMarker: Service {
    let path: String
    let alerts: AlertCenter
    let now: @Sendable () -> Double
    let logger: Logger

    func run() async throws {
        let unclean = FileManager.default.contents(atPath: path).map { String(decoding: $0, as: UTF8.self) }
        alerts.metrics.setGauge(
            "anikura_unclean_start",
            help: "1 when this run started after a stop that was not clean.",
            to: unclean == nil ? 0 : 1
        )
        alerts.metrics.setGauge("anikura_start_time_seconds", help: "When this run started (Unix seconds).", to: now())
        if let unclean {
            let started = Double(unclean.split(separator: " ").last.map(String.init)?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "")
            alerts.raise(
                .uncleanStop,
                "Anikura started after a stop that was not clean"
                    + (started.map { " (the last run started at \(ISOTime.format($0)))" } ?? "")
                    + ". Interrupted work resumes by itself; check the log of the last run for why it ended.",
                details: ["lastStart": started.map(ISOTime.format) ?? ""]
            )
        }
        do {
            try Data("pid \(getpid()) started \(now())\n".utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            logger.warning("cannot write \(path) (used to tell a crash from a clean stop): \(error)")
        }
        try? await gracefulShutdown()
        unlink(path)
    }
}
