import Accounts
import Foundation
import Synchronization

/// Failed sign-ins, counted per account and per address (a password login, HTTP Basic, a wrong API key).
/// `limit` failures within `window` lock that account or address out for `window`, doubling with each lock-out
/// that follows within a day, up to 24 hours (Shoko's rule). While locked, even the right password gets 429.
///
/// An attempt takes a slot before its credential is checked (`admit`) and gives it back when the check is done
/// (`finish`): failures already counted plus attempts in flight never exceed `limit`, so a burst of concurrent
/// guesses checks at most `limit` of them, and the rest wait for the outcome (a lock-out answers them with 429).
/// In memory: a restart forgets lock-outs, which an attacker cannot cause without the admin's shell.
final class SignInThrottle: Sendable {
    struct Entry {
        var failures: [Double] = []
        var lockedUntil: Double = 0
        var lockouts = 0
        var lastLockoutAt = -Double.infinity
        var inFlight = 0
    }

    enum Outcome { case success, failure, abandoned }

    private enum Step {
        case admitted
        case locked(Int)
        case again
    }

    private struct State {
        var entries: [String: Entry] = [:]
        var waiting: [CheckedContinuation<Step, Never>] = []
    }

    let limit: Int
    let window: Double
    static let longestLockout: Double = 86_400
    private let state = Mutex<State>(State())

    init(limit: Int, window: Double) {
        self.limit = limit
        self.window = window
    }

    static func account(_ name: String) -> String { "account:" + UserNames.key(name) }
    static func address(_ address: String) -> String { "address:" + address }

    /// Seconds until the longest lock-out among `keys` ends; nil when none is locked.
    func retryAfter(_ keys: [String], now: Double) -> Int? {
        state.withLock { Self.lockedFor($0.entries, keys, now: now) }
    }

    /// Takes a slot on every key for one attempt: nil once taken (call `finish` after the check, whatever
    /// happens), or the seconds of a lock-out. Waits while the keys' slots are all in use.
    private func admit(_ keys: [String], now: @Sendable () -> Double) async -> Int? {
        while true {
            let step = await withCheckedContinuation { (continuation: CheckedContinuation<Step, Never>) in
                state.withLock { state in
                    let time = now()
                    if let wait = Self.lockedFor(state.entries, keys, now: time) { return continuation.resume(returning: .locked(wait)) }
                    let full = keys.contains { key in
                        guard let entry = state.entries[key] else { return false }
                        return entry.failures.count(where: { $0 > time - window }) + entry.inFlight >= limit
                    }
                    if full { return state.waiting.append(continuation) }
                    for key in keys { state.entries[key, default: Entry()].inFlight += 1 }
                    continuation.resume(returning: .admitted)
                }
            }
            switch step {
            case .admitted: return nil
            case .locked(let wait): return wait
            case .again: continue
            }
        }
    }

    /// What one checked attempt came to.
    enum Attempt<T> {
        case lockedOut(seconds: Int)
        case refused
        case accepted(T)
    }

    /// One sign-in attempt on `keys`: a slot is taken, `check` proves the credential (nil: wrong), and the outcome
    /// is recorded, whatever `check` does (an error records nothing against the caller).
    func attempt<T>(_ keys: [String], now: @Sendable () -> Double, _ check: () async throws -> T?) async throws -> Attempt<T> {
        if let wait = await admit(keys, now: now) { return .lockedOut(seconds: wait) }
        let value: T?
        do {
            value = try await check()
        } catch {
            finish(keys, .abandoned, now: now())
            throw error
        }
        finish(keys, value == nil ? .failure : .success, now: now())
        return value.map { .accepted($0) } ?? .refused
    }

    /// Gives back the slots `admit` took, recording the attempt's outcome; those waiting look again.
    private func finish(_ keys: [String], _ outcome: Outcome, now: Double) {
        let waiting = state.withLock { state -> [CheckedContinuation<Step, Never>] in
            for key in keys { state.entries[key]?.inFlight -= 1 }
            switch outcome {
            case .success: Self.forgetFailures(&state.entries, keys)
            case .failure: record(&state.entries, keys, now: now)
            case .abandoned: break
            }
            defer { state.waiting = [] }
            return state.waiting
        }
        for continuation in waiting { continuation.resume(returning: .again) }
    }

    private static func lockedFor(_ entries: [String: Entry], _ keys: [String], now: Double) -> Int? {
        let until = keys.compactMap { entries[$0]?.lockedUntil }.max() ?? 0
        return until > now ? Int((until - now).rounded(.up)) : nil
    }

    private func record(_ entries: inout [String: Entry], _ keys: [String], now: Double) {
        if entries.count > 100_000 {
            entries = entries.filter { $0.value.lockedUntil > now || $0.value.lockouts > 0 || $0.value.inFlight > 0 }
        }
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

    /// A success forgets the failures counted so far (not a lock-out's history).
    private static func forgetFailures(_ entries: inout [String: Entry], _ keys: [String]) {
        for key in keys where entries[key]?.failures.isEmpty == false { entries[key]?.failures = [] }
    }
}
