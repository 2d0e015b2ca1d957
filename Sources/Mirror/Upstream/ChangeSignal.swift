import Foundation

/// Tells everyone waiting that something changed; they look again at what they wait for. Unlike `WakeSignal` (one
/// waiter, one pending wake-up) any number may wait, and a change is never lost between a look and a wait: a waiter
/// passes the generation it looked at and returns at once if a change came since.
public final class ChangeSignal: Sendable {
    private struct State {
        var generation = 0
        var waiters: [UUID: CheckedContinuation<Void, Never>] = [:]
    }

    private let state = LockedBox(State())

    public init() {}

    /// Read before looking at what is awaited, and handed to `wait(after:)`.
    public var generation: Int { state.withLock { $0.generation } }

    public func signal() {
        let waiting = state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.generation += 1
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for continuation in waiting { continuation.resume() }
    }

    /// Returns after the first change past `generation`, at once if there was one already, or when the task is
    /// cancelled.
    public func wait(after generation: Int) async {
        let id = UUID()
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = state.withLock { state -> Bool in
                    if state.generation != generation || Task.isCancelled { return true }
                    state.waiters[id] = continuation
                    return false
                }
                if resumeNow { continuation.resume() }
            }
        } onCancel: {
            state.withLock { $0.waiters.removeValue(forKey: id) }?.resume()
        }
    }

    /// `wait(after:)` for at most `seconds`; true when a change came.
    public func wait(after generation: Int, seconds: Double) async -> Bool {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await self.wait(after: generation)
                return !Task.isCancelled
            }
            group.addTask {
                try? await Task.sleep(for: .seconds(max(0, seconds)))
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }
}
