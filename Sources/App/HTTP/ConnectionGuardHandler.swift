import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTPTypes

/// Closes connections that are too slow or idle too long, and counts them in the `ConnectionRegistry`. Sits after
/// the HTTP decoder, so it sees whole request parts: a client that has not finished a request head is still
/// waiting for its first part and runs into the head (or idle) deadline however slowly it drips bytes.
/// A response being written has no deadline (event streams and `?wait=` requests can take long).
final class ConnectionGuardHandler: ChannelDuplexHandler, RemovableChannelHandler {
    typealias InboundIn = HTTPRequestPart
    typealias InboundOut = HTTPRequestPart
    typealias OutboundIn = HTTPResponsePart
    typealias OutboundOut = HTTPResponsePart

    let limits: ConnectionLimits
    let registry: ConnectionRegistry
    private var id: UInt64?
    private var started = false
    private var readingRequest = false
    /// Requests received whose response has not ended (pipelining).
    private var openRequests = 0
    private var deadline: Scheduled<Void>?

    init(limits: ConnectionLimits, registry: ConnectionRegistry) {
        self.limits = limits
        self.registry = registry
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { start(context) }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        stop()
    }

    func channelActive(context: ChannelHandlerContext) {
        start(context)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        stop()
        context.fireChannelInactive()
    }

    private func start(_ context: ChannelHandlerContext) {
        guard !started else { return }
        started = true
        guard let id = registry.register(context.channel) else {
            context.close(promise: nil)
            return
        }
        self.id = id
        arm(context, seconds: limits.headTimeout)
    }

    private func stop() {
        deadline?.cancel()
        deadline = nil
        if let id { registry.remove(id) }
        id = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head:
            readingRequest = true
            openRequests += 1
            if let id { registry.setIdle(id, false) }
            arm(context, seconds: limits.bodyTimeout)
        case .body:
            arm(context, seconds: limits.bodyTimeout)
        case .end:
            readingRequest = false
            disarm()
        }
        context.fireChannelRead(data)
    }

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        if case .end = unwrapOutboundIn(data) {
            openRequests = max(0, openRequests - 1)
            if openRequests == 0 && !readingRequest {
                if let id { registry.setIdle(id, true) }
                arm(context, seconds: limits.idleTimeout)
            }
        }
        context.write(data, promise: promise)
    }

    /// A request head over the limits, or one that is not HTTP: answer once, then close.
    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        guard let parserError = error as? HTTPParserError, openRequests == 0 else {
            context.fireErrorCaught(error)
            return
        }
        let status: HTTPResponse.Status =
            switch parserError {
            case .headerOverflow: .requestHeaderFieldsTooLarge
            default: .badRequest
            }
        let head = HTTPResponse(status: status, headerFields: [.connection: "close", .contentLength: "0"])
        context.write(wrapOutboundOut(.head(head)), promise: nil)
        context.writeAndFlush(wrapOutboundOut(.end(nil))).whenComplete { _ in context.close(promise: nil) }
    }

    private func arm(_ context: ChannelHandlerContext, seconds: Double) {
        deadline?.cancel()
        let channel = context.channel
        deadline = context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
            channel.close(promise: nil)
        }
    }

    private func disarm() {
        deadline?.cancel()
        deadline = nil
    }
}
