/// The fetcher's standing, for `/stats` and `/metrics`.
public struct UpstreamSnapshot: Sendable {
    /// False when no AniDB client is configured: nothing is ever fetched.
    public var enabled: Bool
    public var cachedAnime: Int
    public var restrictedAnime: Int
    public var queueSize: Int
    /// Clients held waiting for a fetch (`/httpapi`, `?wait=`) on this instance.
    public var clientsWaiting: Int
    public var requestsLast24h: Int
    public var requestsLeft24h: Int
    public var dailyLimit: Int
    /// When the next upstream request may start (Unix seconds); nil when fetching is off or stopped.
    public var nextRequestAt: Double?
    /// Set while a ban pause lasts.
    public var bannedUntil: Double?
    public var banReason: String?
    /// Set when AniDB refused our client: fetching has stopped until the configuration changes.
    public var clientError: String?
    public var lastError: String?
    public var lastErrorAt: Double?
    public var titlesFetchedAt: Double?
    /// Anime known only by their titles (from the dump).
    public var titlesDumpAnime: Int
}
