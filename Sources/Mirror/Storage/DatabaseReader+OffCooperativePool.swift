internal import GRDB
import OffThread

extension DatabaseReader {
    /// A read for async code, run on the `BlockingPool` like every other blocking call: the read takes a reader
    /// connection, runs on the pool's thread (GRDB's serial queue runs a synchronous read on its caller) and gives the
    /// connection back before the thread is free again.
    ///
    /// GRDB's async `read` returns the reader connection to the pool only once the awaiting task has resumed, on a
    /// cooperative thread. That once hung the server for good (2026-11-23): request handlers then read documents
    /// synchronously on those threads, under load every one of them blocked waiting for a reader, and no task could
    /// resume to give one back. GRDB's `asyncRead` avoids that but runs each read on the reader's Dispatch queue,
    /// whose threads libdispatch starts and stops as load comes and goes; on the pool no read ever depends on a
    /// cooperative thread, and no thread is started for one.
    func readOffCooperativePool<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        let reader = self
        return try await offThread { try reader.read(value) }
    }
}
