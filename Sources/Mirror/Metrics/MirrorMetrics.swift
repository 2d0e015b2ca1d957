public import Prometheus

/// The mirror's Prometheus metrics, on a registry passed in (no global metrics system).
/// Counters count since start-up, as Prometheus expects; gauges are set from the database at each scrape.
public final class MirrorMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry

    /// The per-request counters, made once: looking them up by name takes the registry's lock.
    private let lookups: [String: Counter]

    /// The HTTP API a path belongs to, for request metrics: a fixed set, so a scraper's series stay few.
    public static let apis = ["kometa", "httpapi", "native", "app", "hls", "web"]
    private let durations: [String: DurationHistogram]
    /// Per API, the counters of 2xx, 3xx, 4xx and 5xx answers, in that order.
    private let responses: [String: [Counter]]

    public init(registry: PrometheusCollectorRegistry = PrometheusCollectorRegistry()) {
        self.registry = registry
        let buckets: [Duration] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10].map { .milliseconds(Int64($0 * 1000)) }
        durations = Dictionary(
            uniqueKeysWithValues: Self.apis.map { api in
                (
                    api,
                    registry.makeDurationHistogram(
                        name: "anikura_http_request_duration_seconds",
                        labels: [("api", api)],
                        buckets: buckets,
                        help: "Time to a response's head, by API (kometa, httpapi, native, app, hls, web)."
                    )
                )
            }
        )
        responses = Dictionary(
            uniqueKeysWithValues: Self.apis.map { api in
                (
                    api,
                    ["2xx", "3xx", "4xx", "5xx"].map { status in
                        registry.makeCounter(
                            name: "anikura_http_responses_total",
                            labels: [("api", api), ("status", status)],
                            help: "HTTP responses by API and status class."
                        )
                    }
                )
            }
        )
        lookups = Dictionary(
            uniqueKeysWithValues: ["hit", "stale", "miss"].map { result in
                (
                    result,
                    registry.makeCounter(
                        name: "anikura_document_requests_total",
                        labels: [("result", result)],
                        help: "Document requests by cache result: hit, stale (served, refresh queued), miss."
                    )
                )
            }
        )
    }

    /// One upstream request finished with `outcome` (`ok`, `banned`, `not_found`, `client_error`, `transient`,
    /// `invalid`); `target` is `anime` or `titles`.
    func upstreamRequest(target: String, outcome: UpstreamOutcome) {
        registry.makeCounter(
            name: "anikura_upstream_requests_total",
            labels: [("target", target), ("outcome", outcome.rawValue)],
            help: "Requests sent to AniDB, by outcome."
        ).increment()
    }

    /// One HTTP request answered: its API (one of `apis`), status and time to the response head.
    public func httpRequest(api: String, status: Int, duration: Duration) {
        durations[api]?.record(duration)
        responses[api]?[min(3, max(0, status / 100 - 2))].increment()
    }

    /// A client asked for a document: `hit` (fresh), `stale` (served and queued for refresh) or `miss`.
    public func documentLookup(_ result: String) {
        lookups[result]?.increment()
    }

    /// Documents a seed import handled, by result.
    public func imported(imported: Int, replaced: Int, unchanged: Int, failed: Int) {
        for (result, count) in [("imported", imported), ("replaced", replaced), ("unchanged", unchanged), ("failed", failed)] {
            registry.makeCounter(
                name: "anikura_import_documents_total",
                labels: [("result", result)],
                help: "Seed documents by import result."
            ).increment(by: Int64(count))
        }
    }

    /// Sets a gauge another part of the app reports (streaming, the library), rendered with the mirror's.
    public func setGauge(_ name: String, help: String, labels: [(String, String)] = [], to value: Double) {
        registry.makeGauge(name: name, labels: labels, help: help).set(value)
    }

    /// Counts one event another part of the app reports (alerts, failed jobs).
    public func count(_ name: String, help: String, labels: [(String, String)]) {
        registry.makeCounter(name: name, labels: labels, help: help).increment()
    }

    /// Sets the gauges read from the database, then renders everything in the Prometheus text format.
    public func render(_ snapshot: UpstreamSnapshot) -> [UInt8] {
        func gauge(_ name: String, _ help: String, _ value: Double) { setGauge(name, help: help, to: value) }
        gauge("anikura_refresh_queue_depth", "Aids waiting in the refresh queue.", Double(snapshot.queueSize))
        gauge("anikura_clients_waiting", "Client requests held waiting for a fetch from AniDB.", Double(snapshot.clientsWaiting))
        gauge(
            "anikura_upstream_requests_last_24h",
            "Upstream requests in the last rolling 24 hours.",
            Double(snapshot.requestsLast24h)
        )
        gauge("anikura_upstream_banned", "1 while AniDB's ban pause lasts.", snapshot.bannedUntil == nil ? 0 : 1)
        gauge("anikura_cached_anime", "Anime with a stored document.", Double(snapshot.cachedAnime))
        gauge("anikura_upstream_daily_limit", "Upstream requests allowed per rolling 24 hours.", Double(snapshot.dailyLimit))
        gauge("anikura_upstream_enabled", "1 when an AniDB client is configured (fetching is on).", snapshot.enabled ? 1 : 0)
        gauge(
            "anikura_upstream_client_error",
            "1 when AniDB refused the client and fetching stopped until the configuration changes.",
            snapshot.clientError == nil ? 0 : 1
        )
        return registry.emitToBuffer()
    }
}
