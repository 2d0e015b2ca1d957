import Foundation
import Synchronization

/// Failed sign-ins, counted per account and per address (a password login, HTTP Basic, a wrong API key).
/// `limit` failures within `window` lock that account or address out for `window`, doubling with each lock-out
/// that follows within a day, up to 24 hours (Shoko's rule). While locked, even the right password gets 429.
/// In memory: a restart forgets lock-outs, which an attacker cannot cause without the admin's shell.
final class SignInThrottle: Sendable {
    struct Entry {
        var failures: [Double] = []
        var lockedUntil: Double = 0
        var lockouts = 0
        var lastLockoutAt = -Double.infinity
    }

    let limit: Int
    let window: Double
    static let longestLockout: Double = 86_400
    private let entries = Mutex<[String: Entry]>([:])

    init(limit: Int, window: Double) {
        self.limit = limit
        self.window = window
    }

    static func account(_ name: String) -> String { "account:" + name.lowercased() }
    static func address(_ address: String) -> String { "address:" + address }

    /// Seconds until the longest lock-out among `keys` ends; nil when none is locked.
    func retryAfter(_ keys: [String], now: Double) -> Int? {
        let until = entries.withLock { entries in keys.compactMap { entries[$0]?.lockedUntil }.max() ?? 0 }
        return until > now ? Int((until - now).rounded(.up)) : nil
    }

    func recordFailure(_ keys: [String], now: Double) {
        entries.withLock { entries in
            if entries.count > 100_000 { entries = entries.filter { $0.value.lockedUntil > now || $0.value.lockouts > 0 } }
            for key in keys {
                var entry = entries[key] ?? Entry()
                entry.failures = entry.failures.filter { $0 > now - window } + [now]
                if entry.failures.count >= limit {
                    // A lock-out a day after the previous one starts again from the shortest.
                    if now - entry.lastLockoutAt > Self.longestLockout { entry.lockouts = 0 }
                    let length = min(window * pow(2, Double(entry.lockouts)), Self.longestLockout)
                    entry.lockedUntil = now + length
                    entry.lockouts += 1
                    entry.lastLockoutAt = now
                    entry.failures = []
                }
                entries[key] = entry
            }
        }
    }

    /// A success forgets the failures counted so far (not a lock-out's history).
    func recordSuccess(_ keys: [String]) {
        entries.withLock { entries in
            guard !entries.isEmpty else { return }
            for key in keys where entries[key]?.failures.isEmpty == false { entries[key]?.failures = [] }
        }
    }
}
