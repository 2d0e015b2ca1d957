import Mirror

/// What the mirror's routes need, passed in so tests can give a fixed clock and an in-memory store.
struct MirrorRouteContext: Sendable {
    var store: MirrorStore
    var staleAfterDays: Double
    var dailyLimit: Int
    /// Unix seconds now; injected so document ages are testable.
    var now: @Sendable () -> Double
}
