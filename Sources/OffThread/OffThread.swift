import Foundation

/// Runs blocking work (file-system walks, SQLite, libavformat, matching thousands of files) on a thread of its own
/// and waits for it without holding one of Swift's cooperative threads: a 2-core machine has two, and the HTTP
/// server needs them to answer. The one helper for this in every module; keeps the body's typed error.
public func offThread<T: Sendable, E: Error>(
    stackSize: Int = 4 << 20,
    _ body: @escaping @Sendable () throws(E) -> T
) async throws(E) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
        let thread = Thread { continuation.resume(returning: Result(catching: body)) }
        thread.stackSize = stackSize
        thread.start()
    }
    return try result.get()
}
