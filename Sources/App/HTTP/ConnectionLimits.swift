import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// How long a client may take and how many may be connected, so idle or slow sockets cannot use up the
/// server's file handles before any authentication (`server.*_timeout_secs`, `server.max_connections`,
/// `server.max_head_kb`).
struct ConnectionLimits: Sendable, Equatable {
    /// Seconds a client has to send a whole request head after connecting, or while sending one.
    var headTimeout: Double = 30
    /// Seconds a kept-alive connection may wait for its next request.
    var idleTimeout: Double = 120
    /// Seconds between two pieces of a request body before the request is given up.
    var bodyTimeout: Double = 30
    /// Most connections at once; beyond it the longest-idle connection is closed, or the new one when none is idle.
    var maxConnections: Int = 4_096
    /// Most bytes of header fields in one request.
    var maxHeadBytes: Int = 32 * 1024

    /// The connection cap, kept below the process's file-handle limit so the database, segments and ffmpeg
    /// always have handles left.
    var effectiveMaxConnections: Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < rlim_t(Int32.max) else {
            return maxConnections
        }
        return max(16, min(maxConnections, Int(limit.rlim_cur) - 256))
    }

    /// Raises the soft file-handle limit to the hard one (many distributions start at 1,024).
    static func raiseFileLimit() {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
        limit.rlim_cur = limit.rlim_max
        _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
    }
}
