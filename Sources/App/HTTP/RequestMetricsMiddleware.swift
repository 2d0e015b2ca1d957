import Hummingbird
import Mirror

/// Counts every request and times it to its response head, by API, for `/metrics` (request rates and latencies on
/// the Grafana dashboard). Outermost, so it sees the status the client gets.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: MirrorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let api = Self.api(request.uri.path)
        do {
            let response = try await next(request, context)
            metrics.httpRequest(api: api, status: Int(response.status.code), duration: .now - started)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status.code ?? 500
            metrics.httpRequest(api: api, status: Int(status), duration: .now - started)
            throw error
        }
    }

    /// Which of `MirrorMetrics.apis` a path is.
    static func api(_ path: String) -> String {
        var path = Substring(path)
        if path.hasPrefix("/anidb-service/") { return "kometa" }
        if path.hasPrefix("/httpapi") { return "httpapi" }
        if path.hasPrefix("/hls/") { return "hls" }
        for prefix in ["/anime", "/tags", "/search", "/stats"] where path == prefix || path.hasPrefix(prefix + "/") {
            return "kometa"
        }
        guard path.hasPrefix("/api/") else { return "web" }
        path = path.dropFirst(5)
        for prefix in ["anime/", "search", "tags/", "stats", "anime-titles.xml.gz"] where path.hasPrefix(prefix) {
            return "native"
        }
        return "app"
    }
}
