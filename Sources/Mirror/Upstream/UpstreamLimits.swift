/// AniDB's rules, as configured (the configuration may only make them stricter).
public struct UpstreamLimits: Sendable, Equatable {
    /// Least time between the starts of two upstream requests.
    public var minInterval: Double
    /// Most upstream requests (every attempt) in any rolling 24 hours.
    public var dailyLimit: Int
    /// Silence after a ban.
    public var banPause: Double
    /// Age after which a requested document is refreshed (and a remembered "not found" asked again).
    public var staleAfter: Double

    public static let day: Double = 86_400

    public init(minInterval: Double = 4, dailyLimit: Int = 200, banPause: Double = 86_400, staleAfter: Double = 7 * 86_400) {
        self.minInterval = minInterval
        self.dailyLimit = dailyLimit
        self.banPause = banPause
        self.staleAfter = staleAfter
    }

    /// The earliest time a request may start: after `notBefore` (ban or back-off), `minInterval` after the last
    /// start, and when fewer than `dailyLimit` starts remain in the 24 hours before it.
    /// - Parameter starts: starts of the requests of the last 24 hours, oldest first.
    /// How many requests in any 24 h the library's wishes may use: three quarters of the budget, so a quarter
    /// always stays for clients (a Kometa run, Shoko) however many documents the library wants.
    public var libraryDailyLimit: Int { dailyLimit - dailyLimit / 4 }

    /// Nil while the library may still use the budget; else when it may again (the oldest request that must leave
    /// the 24-hour window has left it). `starts` in ascending order.
    public func libraryResume(starts: [Double]) -> Double? {
        guard starts.count >= libraryDailyLimit else { return nil }
        return starts[starts.count - libraryDailyLimit] + Self.day
    }

    public func earliestStart(now: Double, starts: [Double], notBefore: Double = 0) -> Double {
        var time = max(now, notBefore)
        if let last = starts.last { time = max(time, last + minInterval) }
        if dailyLimit <= 0 { return .infinity }
        if starts.count >= dailyLimit {
            // The request may go once the (count - limit + 1) oldest starts have left the window.
            time = max(time, starts[starts.count - dailyLimit] + Self.day)
        }
        return time
    }

    /// When the `count`-th request from now would start if the fetcher did nothing but requests,
    /// each as early as the rules allow: an honest estimate for a client waiting in line.
    public func estimatedStart(ofRequest count: Int, now: Double, starts: [Double], notBefore: Double = 0) -> Double {
        var window = starts
        var time = now
        for _ in 0..<max(1, count) {
            time = earliestStart(now: time, starts: window, notBefore: notBefore)
            if !time.isFinite { return time }
            window.append(time)
            // Keep only what can still matter: the last `dailyLimit` starts.
            if window.count > dailyLimit { window.removeFirst(window.count - dailyLimit) }
        }
        return time
    }
}
