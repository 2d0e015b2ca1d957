import Foundation

/// Wall-clock time for everything the upstream rules count (request log, rolling day, bans), and sleeping
/// until a given time. Injected so tests can move time forward instead of waiting for it.
public protocol MirrorClock: Sendable {
    /// Unix seconds.
    func now() -> Double
    /// Returns once `now() >= deadline`; throws `CancellationError` if the task is cancelled first.
    func sleep(until deadline: Double) async throws
}

/// The real clock.
public struct SystemClock: MirrorClock {
    public init() {}

    public func now() -> Double { Date().timeIntervalSince1970 }

    public func sleep(until deadline: Double) async throws {
        let seconds = deadline - now()
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }
}
