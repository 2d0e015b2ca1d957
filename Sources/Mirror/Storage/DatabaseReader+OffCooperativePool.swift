internal import GRDB

extension DatabaseReader {
    /// A read for async code that gives its connection back without waiting for Swift's cooperative threads.
    ///
    /// GRDB's async `read` returns the reader connection to the pool only once the awaiting task has resumed,
    /// on a cooperative thread. The request path reads documents synchronously on those same threads
    /// (`servedBuffer`, the library's queries), and under load every one of them can be blocked waiting for a
    /// reader. Then no task can resume to give one back, and the server stops answering for good: 50
    /// connections mixing `/anime/{aid}` for stored and missing aids did it on 2 cores (2026-11-23).
    /// `asyncRead` runs the block and returns the connection on the reader's own Dispatch queue, so a waiting
    /// reader only ever waits for work that needs no cooperative thread.
    func readOffCooperativePool<T: Sendable>(_ value: @escaping @Sendable (Database) throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            asyncRead { database in
                continuation.resume(with: Result { try value(database.get()) })
            }
        }
    }
}
