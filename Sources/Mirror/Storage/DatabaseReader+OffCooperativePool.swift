internal import GRDB

extension DatabaseReader {
    /// A read for async code that gives its connection back without waiting for Swift's cooperative threads.
    ///
    /// GRDB's async `read` returns the reader connection to the pool only once the awaiting task has resumed, on a
    /// cooperative thread. That once hung the server for good (2026-11-23): request handlers then read documents
    /// synchronously on those threads, under load every one of them blocked waiting for a reader, and no task could
    /// resume to give one back. Handlers no longer block (documents are read on the reader's queue, the library's
    /// stores on the `BlockingPool`), but a read that returns its connection on the reader's own Dispatch queue
    /// keeps a waiting reader from ever depending on a cooperative thread, whatever else runs there.
    func readOffCooperativePool<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            asyncRead { database in
                continuation.resume(with: Result { try value(database.get()) })
            }
        }
    }
}
