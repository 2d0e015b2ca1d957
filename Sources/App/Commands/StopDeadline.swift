import Dispatch
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// A graceful stop that cannot finish ends anyway: `seconds` after the first SIGTERM or SIGINT, the process exits
/// with status 1 and a log line that says so.
///
/// Why: each part stops in turn, and a part waiting on an outside party that does not answer (PostgreSQL gone or
/// half-open, a webhook receiver that holds the connection) would hold the stop for as long as that lasts, until
/// `docker stop` or systemd kill the process hard. SQLite's log makes an exit at any moment safe; the run marker
/// stays, so the next start says the stop was not clean.
final class StopDeadline {
    private let sources: [any DispatchSourceSignal]
    /// Read and written on `queue` only: the deadline counts from the first signal.
    private nonisolated(unsafe) static var armed = false

    init(seconds: Double, logger: Logger) {
        let queue = DispatchQueue(label: "anikura.stop-deadline")
        sources = [SIGTERM, SIGINT].map { signal in
            let source = DispatchSource.makeSignalSource(signal: signal, queue: queue)
            source.setEventHandler {
                guard !StopDeadline.armed else { return }
                StopDeadline.armed = true
                queue.asyncAfter(deadline: .now() + seconds) {
                    logger.critical("the graceful stop did not finish within \(Int(seconds)) s (an outside party does not answer); exiting now")
                    exit(1)
                }
            }
            source.resume()
            return source
        }
    }
}
