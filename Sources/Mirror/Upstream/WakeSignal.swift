/// Wakes a service (the fetcher, list sync) when work arrives. A signal sent while nobody waits is kept for the next
/// wait.
public final class WakeSignal: Sendable {
    private struct State {
        var pending = false
        var continuation: CheckedContinuation<Void, Never>?
    }

    private let state = LockedBox(State())

    public init() {}

    public func signal() {
        let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
            guard let continuation = state.continuation else {
                state.pending = true
                return nil
            }
            state.continuation = nil
            return continuation
        }
        continuation?.resume()
    }

    /// Someone is waiting and no signal is pending: nothing will wake the waiter but a signal (or its deadline).
    public var isWaiting: Bool { state.withLock { $0.continuation != nil && !$0.pending } }

    /// Returns at the next signal (or at once if one is pending), or when the task is cancelled.
    public func wait() async {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.pending || Task.isCancelled {
                        state.pending = false
                        return true
                    }
                    state.continuation = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<Void, Never>? in
                defer { state.continuation = nil }
                return state.continuation
            }
            continuation?.resume()
        }
    }

    /// Waits for a signal or until `deadline` on `clock`, whichever comes first.
    public func wait(until deadline: Double, clock: any MirrorClock) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await self.wait() }
            group.addTask { try? await clock.sleep(until: deadline) }
            await group.next()
            group.cancelAll()
        }
    }
}
