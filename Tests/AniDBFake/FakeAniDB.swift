import Foundation
import Mirror
public import NIOCore
import NIOHTTP1
import NIOPosix
import Synchronization
public import Testing

/// A fake AniDB HTTP API on a real local socket, speaking AniDB's protocol: gzip bodies (with or without
/// `Content-Encoding`), `<error>` bodies with HTTP 200, bans, and the failures of a real network (slow
/// answers, dropped connections). Tests script it per request.
public final class FakeAniDB: Sendable {
    /// One scripted answer.
    public indirect enum Reply: Sendable {
        /// The bytes gzip-compressed, announced in `Content-Encoding` or not (AniDB does both).
        case gzip([UInt8], announced: Bool)
        /// The bytes as they are, uncompressed.
        case plain([UInt8])
        /// An AniDB `<error>` body: gzip, HTTP 200.
        case error(String)
        /// A bare HTTP status (429, 503, 500…).
        case status(Int)
        /// Answers after `seconds` (real time).
        case delayed(Double, Reply)
        /// Closes the connection without answering.
        case drop
        /// Answers once the test releases `hold`: a request kept in flight exactly as long as a test needs.
        case held(Hold, Reply)
    }

    /// A gate a test opens: replies held on it go out when it is released (at once if it already was).
    public final class Hold: Sendable {
        private let waiters = Mutex<(released: Bool, waiting: [@Sendable () -> Void])>((false, []))

        public init() {}

        public func release() {
            let waiting = waiters.withLock { state in
                defer { state = (true, []) }
                return state.waiting
            }
            for resume in waiting { resume() }
        }

        func whenReleased(_ action: @escaping @Sendable () -> Void) {
            let now = waiters.withLock { state in
                if state.released { return true }
                state.waiting.append(action)
                return false
            }
            if now { action() }
        }
    }

    /// What the fake saw of one request.
    public struct Request: Sendable {
        public var path: String
        public var query: [String: String]
        public var aid: Int? { query["aid"].flatMap { Int($0) } }
        /// When it arrived, on the pacing clock (see `enforcePacing`), else real time.
        public var arrivedAt: Double = 0
    }

    /// AniDB's own rules, as the fake enforces them once told to.
    public struct Pacing: Sendable {
        public var minInterval: Double
        /// Arrivals may be this much closer than `minInterval`: the network's jitter, not the sender's.
        public var tolerance: Double
        public var now: @Sendable () -> Double
    }

    private let channel: any Channel
    private let state: Box
    public let port: Int

    private final class Box: @unchecked Sendable {
        // @unchecked: everything is behind `lock`.
        let lock = NSLock()
        var requests: [Request] = []
        var documents: [Int: [UInt8]] = [:]
        var titles: [UInt8]?
        var images: [String: [UInt8]] = [:]
        var script: (@Sendable (Request) -> Reply?)?
        var pacing: Pacing?
        var lastAnimeArrival: Double?
        var askedAt: [Int: Double] = [:]
        /// Requests answered with a ban because they broke the pacing.
        var pacingBans: [Request] = []
    }

    /// Starts on 127.0.0.1 and a free port.
    /// `group`: where it answers; a test that loads the shared event loops heavily and times arrivals gives it a
    /// loop of its own, so its clock reads when a request came, not when a busy loop got to it.
    /// AniDB's pacing is enforced from the start (4 s apart, an aid once a day), timed by `pacedBy`: the clock the
    /// server under test runs on (real time when not given). `expectNoBan` then says whether anything broke it.
    public static func start(
        group: (any EventLoopGroup)? = nil,
        pacedBy now: (@Sendable () -> Double)? = nil
    ) async throws -> FakeAniDB {
        let state = Box()
        state.pacing = Pacing(minInterval: 4, tolerance: 0.05, now: now ?? { Date().timeIntervalSince1970 })
        let channel = try await ServerBootstrap(group: group ?? MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(ChannelOptions.backlog, value: 1024)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(Handler(answer: { FakeAniDB.answer($0, state) }))
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        return FakeAniDB(channel: channel, state: state)
    }

    private init(channel: any Channel, state: Box) {
        self.channel = channel
        self.state = state
        self.port = channel.localAddress?.port ?? 0
    }

    public func stop() async throws { try await channel.close() }

    public var baseURL: String { "http://127.0.0.1:\(port)/httpapi" }
    public var titlesURL: String { "http://127.0.0.1:\(port)/api/anime-titles.xml.gz" }

    /// Every request so far, in order.
    public var requests: [Request] { state.lock.withLock { state.requests } }
    public var animeRequests: [Request] { requests.filter { $0.path == "/httpapi" } }

    /// Serves `bytes` for `aid` (gzip, announced) unless a script says otherwise.
    public func add(aid: Int, document bytes: [UInt8]) { state.lock.withLock { state.documents[aid] = bytes } }
    public func setTitles(_ gzip: [UInt8]) { state.lock.withLock { state.titles = gzip } }

    /// AniDB's image CDN: `imageURL` + a picture's name; an unknown name gets 404, as the CDN answers.
    public var imageURL: String { "http://127.0.0.1:\(port)/images/main/" }
    public var imageRequests: [Request] { requests.filter { $0.path.hasPrefix("/images/") } }
    public func addImage(name: String, bytes: [UInt8]) { state.lock.withLock { state.images[name] = bytes } }

    /// Decides answers before the defaults; return nil to fall through to them.
    public func script(_ script: @escaping @Sendable (Request) -> Reply?) { state.lock.withLock { state.script = script } }

    /// From now on, bans (with AniDB's body) an anime request that comes sooner than `minInterval` after the
    /// previous one, or asks for the same aid twice within 24 hours of `now`, as AniDB does.
    public func enforcePacing(
        minInterval: Double,
        tolerance: Double = 0.05,
        now: (@Sendable () -> Double)? = nil
    ) {
        let now = now ?? { Date().timeIntervalSince1970 }
        state.lock.withLock { state.pacing = Pacing(minInterval: minInterval, tolerance: tolerance, now: now) }
    }

    /// Anime requests the fake banned for breaking the pacing: empty when every sender kept to the rules.
    public var pacingBans: [Request] { state.lock.withLock { state.pacingBans } }

    /// Records a test issue for every request that broke AniDB's pacing (call it at the end of a test, or `defer`).
    public func expectNoBan(sourceLocation: SourceLocation = #_sourceLocation) {
        let bans = pacingBans
        #expect(
            bans.isEmpty,
            "AniDB would have banned: \(bans.map { "aid \($0.aid.map(String.init) ?? "?") at \($0.arrivedAt)" })",
            sourceLocation: sourceLocation
        )
    }

    private static func answer(_ uri: String, _ state: Box) -> Reply {
        let components = URLComponents(string: uri)
        var query: [String: String] = [:]
        for item in components?.queryItems ?? [] { query[item.name] = item.value ?? "" }
        var request = Request(path: components?.path ?? uri, query: query)
        let (script, documents, titles, images, brokeRules) = state.lock.withLock {
            request.arrivedAt = state.pacing?.now() ?? Date().timeIntervalSince1970
            state.requests.append(request)
            let brokeRules = request.path == "/httpapi" && Self.breaksPacing(request, state)
            if brokeRules { state.pacingBans.append(request) }
            return (state.script, state.documents, state.titles, state.images, brokeRules)
        }
        if brokeRules { return .error("<error code=\"555\">Banned</error>") }
        if let reply = script?(request) { return reply }
        if request.path.hasPrefix("/images/main/") {
            return images[String(request.path.dropFirst("/images/main/".count))].map { .plain($0) } ?? .status(404)
        }
        if request.path.hasSuffix("anime-titles.xml.gz") {
            return titles.map { .plain($0) } ?? .status(404)
        }
        // AniDB's own checks, in its order: client, then request, then aid.
        guard let client = query["client"], !client.isEmpty, let version = query["clientver"], Int(version) != nil,
            query["protover"] == "1"
        else { return .error("<error code=\"302\">client version missing or invalid</error>") }
        guard query["request"] == "anime" else { return .error("<error code=\"310\">illegal input or access denied</error>") }
        guard let aid = request.aid else { return .error("<error>aid Missing or Invalid</error>") }
        guard let document = documents[aid] else { return .error("<error>Anime not found</error>") }
        return .gzip(document, announced: true)
    }

    /// Whether `request` comes too soon after the previous anime request, or asks again for an aid asked within
    /// 24 hours; records it either way. Called with the lock held.
    private static func breaksPacing(_ request: Request, _ state: Box) -> Bool {
        guard let pacing = state.pacing else { return false }
        let now = request.arrivedAt
        defer {
            state.lastAnimeArrival = now
            if let aid = request.aid { state.askedAt[aid] = now }
        }
        if let last = state.lastAnimeArrival, now - last < pacing.minInterval - pacing.tolerance { return true }
        if let aid = request.aid, let asked = state.askedAt[aid], now - asked < 86_400 { return true }
        return false
    }

    private final class Handler: ChannelInboundHandler, @unchecked Sendable {
        // @unchecked: used only on its channel's event loop.
        typealias InboundIn = HTTPServerRequestPart
        typealias OutboundOut = HTTPServerResponsePart
        let answer: @Sendable (String) -> Reply
        var uri = ""

        init(answer: @escaping @Sendable (String) -> Reply) { self.answer = answer }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            switch unwrapInboundIn(data) {
            case .head(let head): uri = head.uri
            case .body: break
            case .end: send(answer(uri), context: context)
            }
        }

        func send(_ reply: Reply, context: ChannelHandlerContext) {
            var headers = HTTPHeaders()
            let status: Int
            var body: [UInt8] = []
            switch reply {
            case .delayed(let seconds, let next):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                context.eventLoop.scheduleTask(in: .milliseconds(Int64(seconds * 1000))) {
                    bound.value.0.send(next, context: bound.value.1)
                }
                return
            case .drop:
                context.close(promise: nil)
                return
            case .held(let hold, let next):
                let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
                let loop = context.eventLoop
                hold.whenReleased { loop.execute { bound.value.0.send(next, context: bound.value.1) } }
                return
            case .gzip(let bytes, let announced):
                status = 200
                body = StoredGzip.encode(bytes)
                if announced { headers.add(name: "Content-Encoding", value: "gzip") }
                headers.add(name: "Content-Type", value: "text/xml")
            case .plain(let bytes):
                status = 200
                body = bytes
            case .error(let text):
                status = 200
                body = StoredGzip.encode(Array(text.utf8))
                headers.add(name: "Content-Encoding", value: "gzip")
                headers.add(name: "Content-Type", value: "text/xml")
            case .status(let code):
                status = code
            }
            headers.add(name: "Content-Length", value: String(body.count))
            let head = HTTPResponseHead(version: .http1_1, status: HTTPResponseStatus(statusCode: status), headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }
}
