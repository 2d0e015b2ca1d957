import NIOPosix

/// Runs blocking work (file-system walks, SQLite, libavformat, matching thousands of files) on the `BlockingPool`
/// and waits for it without holding one of Swift's cooperative threads: a 2-core machine has two, and the HTTP
/// server needs them to answer. The one helper for this in every module; keeps the body's typed error.
///
/// The work always runs once submitted, even if the waiting task is cancelled: a half-done store write is worse than
/// a late answer nobody reads.
public func offThread<T: Sendable, E: Error>(
    _ body: @escaping @Sendable () throws(E) -> T
) async throws(E) -> T {
    let result = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>, Never>) in
        BlockingPool.shared.submit { _ in continuation.resume(returning: Result(catching: body)) }
    }
    return try result.get()
}
