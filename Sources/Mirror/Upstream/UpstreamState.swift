/// What stops or slows the fetcher, persisted in `upstreamState` so a restart forgets none of it.
public struct UpstreamState: Sendable, Equatable, Codable {
    /// No upstream request before this (Unix seconds), after AniDB banned us.
    public var bannedUntil: Double?
    public var banReason: String?
    /// No upstream request before this, after network errors (exponential back-off with jitter).
    public var backoffUntil: Double?
    public var consecutiveFailures: Int = 0
    /// AniDB refused our client (name, version, input): fetching stops until the configuration changes.
    public var clientError: String?
    /// The `client/clientver` the client error was for.
    public var clientErrorFor: String?
    public var lastError: String?
    public var lastErrorAt: Double?
    /// Something needs the titles dump and it is missing or old.
    public var titlesWanted: Bool = false
    public var titlesAttemptedAt: Double?
    public var titlesFetchedAt: Double?

    public init() {}

    /// The time before which no upstream request may start (ban or back-off).
    public var notBefore: Double { max(bannedUntil ?? 0, backoffUntil ?? 0) }

    public func isBanned(at now: Double) -> Bool { (bannedUntil ?? 0) > now }
}
