import Foundation
public import Mirror

/// A `MirrorClock` that moves only when a test says so; sleepers wake when time passes their deadline.
public final class ManualClock: MirrorClock, @unchecked Sendable {
    // @unchecked: all state is behind `lock`.
    private let lock = NSLock()
    private var current: Double
    private var sleepers: [(id: Int, deadline: Double, continuation: CheckedContinuation<Void, any Error>)] = []
    private var nextID = 0

    public init(now: Double = 1_800_000_000) { current = now }

    public func now() -> Double { lock.withLock { current } }

    public func sleep(until deadline: Double) async throws {
        let id = lock.withLock {
            nextID += 1
            return nextID
        }
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                let outcome = lock.withLock { () -> Result<Void, any Error>? in
                    if Task.isCancelled { return .failure(CancellationError()) }
                    if deadline <= current { return .success(()) }
                    sleepers.append((id, deadline, continuation))
                    return nil
                }
                if let outcome { continuation.resume(with: outcome) }
            }
        } onCancel: {
            let sleeper = lock.withLock { () -> CheckedContinuation<Void, any Error>? in
                guard let index = sleepers.firstIndex(where: { $0.id == id }) else { return nil }
                return sleepers.remove(at: index).continuation
            }
            sleeper?.resume(throwing: CancellationError())
        }
    }

    /// The deadlines of those sleeping now: what the code under test is waiting for, on this clock.
    public var deadlines: [Double] { lock.withLock { sleepers.map(\.deadline) } }

    /// Moves time forward and wakes every sleeper whose deadline has come.
    public func advance(by seconds: Double) {
        let due = lock.withLock { () -> [CheckedContinuation<Void, any Error>] in
            current += seconds
            let due = sleepers.filter { $0.deadline <= current }
            sleepers.removeAll { $0.deadline <= current }
            return due.map(\.continuation)
        }
        for continuation in due { continuation.resume() }
    }

    /// Sleepers waiting now.
    public var sleeperCount: Int { lock.withLock { sleepers.count } }
}

/// Polls `condition` in real time (the code under test runs on other tasks) until it holds or `seconds` pass.
public func eventually(
    within seconds: Double = 60,
    _ condition: @Sendable () async throws -> Bool
) async rethrows -> Bool {
    let end = Date().addingTimeInterval(seconds)
    while Date() < end {
        if try await condition() { return true }
        try? await Task.sleep(for: .milliseconds(5))
    }
    return try await condition()
}
