import Foundation
import Synchronization

/// A token bucket per address for anonymous mirror reads: `burst` at once, `rate` a second after that.
final class AddressRateLimiter: Sendable {
    struct Bucket {
        var tokens: Double
        var updatedAt: Double
    }

    let rate: Double
    let burst: Double
    private let buckets = Mutex<[String: Bucket]>([:])

    init(rate: Double, burst: Int) {
        self.rate = rate
        self.burst = Double(burst)
    }

    /// Takes a token; nil when one was there, else the seconds until one will be.
    func take(_ address: String, now: Double) -> Int? {
        buckets.withLock { buckets in
            // Full buckets carry no information: dropped when the table grows, so memory stays bounded.
            if buckets.count > 50_000 {
                buckets = buckets.filter { $0.value.tokens + (now - $0.value.updatedAt) * rate < burst }
            }
            var bucket = buckets[address] ?? Bucket(tokens: burst, updatedAt: now)
            bucket.tokens = min(burst, bucket.tokens + max(0, now - bucket.updatedAt) * rate)
            bucket.updatedAt = now
            defer { buckets[address] = bucket }
            guard bucket.tokens >= 1 else { return max(1, Int(((1 - bucket.tokens) / rate).rounded(.up))) }
            bucket.tokens -= 1
            return nil
        }
    }
}
