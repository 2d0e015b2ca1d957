import Hummingbird
import NIOCore

/// A request context that carries who is asking (set by `AccessMiddleware`) and from which address.
protocol CallerRequestContext: RequestContext {
    var caller: Caller? { get set }
    var remoteAddress: String { get set }
}

struct AppRequestContext: CallerRequestContext {
    var coreContext: CoreRequestContextStorage
    var caller: Caller?
    /// The client's IP address: the peer's, or behind a trusted proxy the one it forwards (set by `AccessMiddleware`);
    /// what sign-in throttling and the anonymous rate limit count by.
    var remoteAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
