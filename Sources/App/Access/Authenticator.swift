import Accounts
import Crypto
import Foundation
import Logging
import Mirror
import OffThread
import Synchronization

/// Turns a request's credential into a user. A key or session seen in the last few seconds is answered from
/// memory (a mirror read with an API key costs a dictionary lookup, not a query); bcrypt runs only for a
/// password not seen recently. Changes made here (sign-out, a new password) apply at once; changes made by the
/// command line in another process apply within `cacheLifetime`.
final class Authenticator: Sendable {
    enum Credential: Sendable {
        case session(String)
        case apiKey(String)
        case basic(user: String, password: String)

        /// What the cache files it under: a digest, so the cache holds no password or key.
        var cacheKey: Digest {
            var hasher = SHA256()
            switch self {
            case .session(let token): Self.update(&hasher, "session", token)
            case .apiKey(let key): Self.update(&hasher, "key", key)
            case .basic(let user, let password): Self.update(&hasher, "basic", UserNames.key(user), password)
            }
            return Digest(hasher.finalize())
        }

        private static func update(_ hasher: inout SHA256, _ parts: String...) {
            for var part in parts {
                part.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
                withUnsafeBytes(of: UInt8(0)) { hasher.update(bufferPointer: $0) }
            }
        }
    }

    /// A SHA-256 as four words: hashed and compared in a few instructions (hex text would cost more than the hash).
    struct Digest: Hashable {
        var a: UInt64, b: UInt64, c: UInt64, d: UInt64

        init(_ digest: SHA256.Digest) {
            (a, b, c, d) = digest.withUnsafeBytes { bytes in
                (
                    bytes.loadUnaligned(fromByteOffset: 0, as: UInt64.self),
                    bytes.loadUnaligned(fromByteOffset: 8, as: UInt64.self),
                    bytes.loadUnaligned(fromByteOffset: 16, as: UInt64.self),
                    bytes.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                )
            }
        }
    }

    struct Cached {
        var user: SignedInUser
        var until: ContinuousClock.Instant
    }

    let users: UserStore
    let clock: any MirrorClock
    /// Loopback bind: with no users, everything is open, as before there were users.
    let openWhenNoUsers: Bool
    let cacheLifetime: Duration
    let logger: Logger
    private let cache = Mutex<[Digest: Cached]>([:])
    private let userCount = Mutex<(count: Int, until: ContinuousClock.Instant)?>(nil)
    private let keyUses = Mutex<(pending: [Int64: Double], lastFlush: ContinuousClock.Instant?)>(([:], nil))

    init(users: UserStore, clock: any MirrorClock, openWhenNoUsers: Bool, logger: Logger, cacheLifetime: Duration = .seconds(5)) {
        self.users = users
        self.clock = clock
        self.openWhenNoUsers = openWhenNoUsers
        self.logger = logger
        self.cacheLifetime = cacheLifetime
    }

    /// True while the install is open: a loopback bind and no users at all.
    func isOpen() async throws -> Bool {
        guard openWhenNoUsers else { return false }
        let now = ContinuousClock.now
        if let known = userCount.withLock({ $0 }), known.until > now { return known.count == 0 }
        let users = users
        let count = try await users.count()
        userCount.withLock { $0 = (count, now + cacheLifetime) }
        return count == 0
    }

    /// The user of a credential proved right within `cacheLifetime`, without asking the database; nil otherwise.
    func cachedUser(for credential: Credential) -> SignedInUser? {
        cachedUser(key: credential.cacheKey, now: ContinuousClock.now)
    }

    private func cachedUser(key: Digest, now: ContinuousClock.Instant) -> SignedInUser? {
        guard let cached = cache.withLock({ $0[key] }), cached.until > now else { return nil }
        if let expires = cached.user.sessionExpiresAt, expires <= clock.now() { return nil }
        noteKeyUse(cached.user)
        return cached.user
    }

    /// The user the credential belongs to, or nil when it is wrong (or a session has ended).
    func user(for credential: Credential) async throws -> SignedInUser? {
        let key = credential.cacheKey
        let now = ContinuousClock.now
        if let cached = cachedUser(key: key, now: now) { return cached }
        let users = users
        let time = clock.now()
        let found: SignedInUser? =
            switch credential {
            case .session(let token): try await users.sessionUser(token: token, now: time)
            case .apiKey(let key): try await users.keyUser(key: key)
            case .basic(let name, let password):
                try await users.verify(name: name, password: password).flatMap { user in
                    user.id.map { SignedInUser(id: $0, name: user.name, role: user.role) }
                }
            }
        guard let found else { return nil }
        cache.withLock { cache in
            if cache.count > 10_000 { cache = cache.filter { $0.value.until > now } }
            cache[key] = Cached(user: found, until: now + cacheLifetime)
        }
        noteKeyUse(found)
        return found
    }

    /// Forgets every cached credential: after a sign-out or a password change made through this server.
    func forgetCached() {
        cache.withLock { $0.removeAll() }
        userCount.withLock { $0 = nil }
    }

    /// Whether a stream link made for `userId` still may be used: its user still exists (0: the install is open).
    func linkUserIsValid(_ userId: Int64) async throws -> Bool {
        if userId == 0 { return try await isOpen() }
        return try await users.user(id: userId) != nil
    }

    /// Keys' last use goes to the database at most once a minute, off the request.
    private func noteKeyUse(_ user: SignedInUser) {
        guard let keyId = user.keyId else { return }
        let now = ContinuousClock.now
        let due = keyUses.withLock { state -> [Int64: Double]? in
            state.pending[keyId] = clock.now()
            guard state.lastFlush.map({ now - $0 > .seconds(60) }) ?? true else { return nil }
            state.lastFlush = now
            defer { state.pending = [:] }
            return state.pending
        }
        guard let due else { return }
        let users = users
        let logger = logger
        // A small write nobody waits for; losing it in a crash loses only a "last used" time.
        Task {
            do { try await users.recordKeyUse(due) } catch {
                logger.warning("could not record API keys' last use: \(error)")
            }
        }
    }
}
