import Hummingbird
import Mirror

/// Counts every request and times it to its response head, by API, for `/metrics` (request rates and latencies on
/// the Grafana dashboard). Outermost, so it sees the status the client gets.
struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: MirrorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let started = ContinuousClock.now
        let api = APISurface.of(request.uri.path).rawValue
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
}
