import Foundation

/// Runs blocking work (libavformat reading a file, SQLite) on a thread of its own and waits for it without
/// holding one of Swift's concurrency threads, of which a 2-core machine has two and the HTTP server needs them.
func offThread<T: Sendable>(_ body: @escaping @Sendable () throws(StreamError) -> T) async throws(StreamError) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, StreamError>, Never>) in
        let thread = Thread { continuation.resume(returning: Result(catching: body)) }
        thread.stackSize = 1 << 20
        thread.start()
    }
    return try result.get()
}
