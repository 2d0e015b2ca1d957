/// How one upstream request ended: the request log's `outcome` column holds the raw value, the metrics' `outcome`
/// label too. A request still in flight has none; one a crash cut off is marked `interrupted` at the next start.
public enum UpstreamOutcome: String, Sendable, Codable, CaseIterable {
    case ok
    case banned
    case notFound = "not_found"
    case clientError = "client_error"
    case transient
    case invalid
    case interrupted
}
