import Foundation

/// Runs blocking work (matching thousands of files, SQLite reads) on a thread of its own, so it never holds one of
/// Swift's two concurrency threads that the HTTP server needs.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, any Error>, Never>) in
        let thread = Thread { continuation.resume(returning: Result(catching: body)) }
        thread.stackSize = 4 << 20
        thread.start()
    }
    return try result.get()
}
