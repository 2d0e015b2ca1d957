import Foundation
import NIOPosix

/// The process's one pool of threads for blocking work, started on first use and never stopped.
///
/// Bounded: a burst of requests queues here instead of starting a thread each (which it once did, three per HLS
/// segment request). Sized above the core count because much of the work waits on the disk rather than the CPU,
/// and long jobs (a scan, a match run, a probe) must leave threads free for the short reads requests make.
public enum BlockingPool {
    public static let threadCount = max(8, 4 * ProcessInfo.processInfo.activeProcessorCount)

    static let shared: NIOThreadPool = {
        let pool = NIOThreadPool(numberOfThreads: threadCount)
        pool.start()
        return pool
    }()
}
