import NIOPosix
import Synchronization

/// Blocking calls into media folders, which may sit on a network mount that stops answering: a `stat` or an `open`
/// there can block for minutes. Such calls run on the `BlockingPool` like any other blocking work, but a guard keeps
/// a dead mount from taking the whole pool (then every route's database calls would wait behind it):
/// - at most `perFolder` calls into one media folder, and `overall` into all of them, hold pool threads at once; the
///   rest wait for a slot without holding a thread;
/// - a caller waits at most `patience` in all, for a slot and for the answer, then gets its `stalled` error. A call
///   that does not return keeps its slot until it does, so a dead mount ends up refusing its callers quickly
///   instead of piling them up.
public final class MountGuard: Sendable {
    public let perFolder: Int
    public let overall: Int
    public let patience: Duration

    private struct Waiter {
        var id: UInt64
        var folder: String
        var continuation: CheckedContinuation<Bool, Never>
    }

    private struct State {
        var inUse: [String: Int] = [:]
        var total = 0
        var waiters: [Waiter] = []
        var nextId: UInt64 = 0

        func hasRoom(_ folder: String, perFolder: Int, overall: Int) -> Bool {
            total < overall && inUse[folder, default: 0] < perFolder
        }
    }

    private let state = Mutex(State())

    public init(perFolder: Int = 2, overall: Int = BlockingPool.threadCount / 2, patience: Duration = .seconds(20)) {
        precondition(perFolder > 0 && overall > 0 && overall < BlockingPool.threadCount, "the pool must keep threads for others")
        self.perFolder = perFolder
        self.overall = overall
        self.patience = patience
    }

    /// Runs `body` on the `BlockingPool` as a call into `folder` (a media folder, or any key for one mount).
    /// `stalled` makes the error for a caller that waited `patience` in vain.
    public func run<T: Sendable, E: Error>(
        folder: String,
        stalled: @autoclosure @escaping @Sendable () -> E,
        _ body: @escaping @Sendable () throws(E) -> T
    ) async throws(E) -> T {
        let deadline = ContinuousClock.now + patience
        guard await acquire(folder, until: deadline) else { throw stalled() }
        let outcome = await withCheckedContinuation { (continuation: CheckedContinuation<Result<T, E>?, Never>) in
            let answer = Answer(continuation)
            let timer = Task {
                // Cancelled: the work answered first.
                guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
                answer.give(nil)
            }
            BlockingPool.shared.submit { _ in
                let result = Result(catching: body)
                answer.give(result)
                timer.cancel()
                self.release(folder)
            }
        }
        guard let outcome else { throw stalled() }
        return try outcome.get()
    }

    /// How many calls hold a slot for `folder` now: what the log says when a caller is refused.
    public func busy(_ folder: String) -> Int { state.withLock { $0.inUse[folder, default: 0] } }

    // MARK: - Slots

    private func acquire(_ folder: String, until deadline: ContinuousClock.Instant) async -> Bool {
        let id: UInt64? = state.withLock { state in
            if state.hasRoom(folder, perFolder: perFolder, overall: overall) {
                state.inUse[folder, default: 0] += 1
                state.total += 1
                return nil
            }
            state.nextId += 1
            return state.nextId
        }
        guard let id else { return true }
        return await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
            state.withLock { $0.waiters.append(Waiter(id: id, folder: folder, continuation: continuation)) }
            // A slot may have come free between the look above and joining the queue.
            handOut()
            Task {
                try? await Task.sleep(until: deadline, clock: .continuous)
                // Still waiting at the deadline (not admitted meanwhile): refused.
                let expired = state.withLock { state -> Waiter? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index)
                }
                expired?.continuation.resume(returning: false)
            }
        }
    }

    private func release(_ folder: String) {
        state.withLock { state in
            state.inUse[folder, default: 1] -= 1
            if state.inUse[folder] == 0 { state.inUse[folder] = nil }
            state.total -= 1
        }
        handOut()
    }

    /// Gives free slots to the waiters that fit, oldest first.
    private func handOut() {
        let admitted: [Waiter] = state.withLock { state in
            var admitted: [Waiter] = []
            var index = 0
            while index < state.waiters.count {
                let waiter = state.waiters[index]
                if state.hasRoom(waiter.folder, perFolder: perFolder, overall: overall) {
                    state.inUse[waiter.folder, default: 0] += 1
                    state.total += 1
                    admitted.append(state.waiters.remove(at: index))
                } else {
                    index += 1
                }
            }
            return admitted
        }
        for waiter in admitted { waiter.continuation.resume(returning: true) }
    }
}

/// A continuation resumed by whichever comes first, the work or the deadline; the other is ignored.
private final class Answer<T: Sendable>: Sendable {
    private let continuation: Mutex<CheckedContinuation<T, Never>?>

    init(_ continuation: CheckedContinuation<T, Never>) {
        self.continuation = Mutex(continuation)
    }

    func give(_ value: sending T) {
        let waiting = continuation.withLock { waiting in
            defer { waiting = nil }
            return waiting
        }
        waiting?.resume(returning: value)
    }
}
