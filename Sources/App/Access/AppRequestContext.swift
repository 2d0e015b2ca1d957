import Hummingbird
import NIOCore

/// A request context that carries who is asking (set by `AccessMiddleware`) and from which address.
protocol CallerRequestContext: RequestContext {
    var caller: Caller? { get set }
    var remoteAddress: String { get }
}

struct AppRequestContext: CallerRequestContext {
    var coreContext: CoreRequestContextStorage
    var caller: Caller?
    /// The peer's IP address (the proxy's, behind one): what sign-in throttling and the anonymous rate limit count by.
    let remoteAddress: String

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress?.ipAddress ?? "unknown"
    }
}
