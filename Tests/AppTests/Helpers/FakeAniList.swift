import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mirror
import NIOCore

/// A stand-in for AniList's GraphQL API (https://graphql.anilist.co) on a real local socket, written from AniList's
/// documentation (docs.anilist.co: *Authentication* — `Authorization: Bearer`; *Rate Limiting* — 90 a minute,
/// `X-RateLimit-Limit`/`-Remaining`, 429 with `Retry-After`; the `Viewer` query and the `SaveMediaListEntry`
/// mutation with `mediaId`, `progress`, `status: MediaListStatus`). Only `POST /` with `{"query", "variables"}`;
/// an unknown token is 400 `Invalid token`, none 401. It records every request and keeps each user's list.
final class FakeAniList: Sendable {
    struct Recorded: Sendable {
        var token: String?
        var query: String
        var variables: [String: Int]
        var status: String?
        var at: Double
    }

    struct State {
        var requests: [Recorded] = []
        /// Token → the account it belongs to.
        var tokens: [String: (id: Int, name: String)] = [:]
        /// Token → media id → (progress, status): each user's list.
        var lists: [String: [Int: (progress: Int, status: String)]] = [:]
        /// The next requests answer 429 with this `Retry-After`.
        var tooMany: [Int] = []
        var perMinute = 90
        var nextID = 1
    }

    let port: Int
    private let server: Task<Void, any Error>
    private let state: LockedBox<State>

    var url: String { "http://127.0.0.1:\(port)/" }
    var requests: [Recorded] { state.withLock { $0.requests } }
    func with<T>(_ body: (inout State) -> T) -> T { state.withLock(body) }
    func list(_ token: String) -> [Int: (progress: Int, status: String)] { state.withLock { $0.lists[token] ?? [:] } }
    func stop() { server.cancel() }

    static func start(accounts: [String: (id: Int, name: String)]) async throws -> FakeAniList {
        let state = LockedBox(State(tokens: accounts))
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let router = Router()
        router.post("/") { request, _ in try await handle(request, state) }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "fake-anilist")
                logger.logLevel = .critical
                return logger
            }()
        )
        let server = Task { try await app.runService() }
        var iterator = portStream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return FakeAniList(port: port, server: server, state: state)
    }

    private init(port: Int, server: Task<Void, any Error>, state: LockedBox<State>) {
        self.port = port
        self.server = server
        self.state = state
    }

    static func json(_ value: Any, status: HTTPResponse.Status = .ok, headers: HTTPFields = [:]) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value)) ?? Data()
        var fields = headers
        fields[.contentType] = "application/json"
        return Response(status: status, headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func handle(_ request: Request, _ state: LockedBox<State>) async throws -> Response {
        let bytes = try await request.body.collect(upTo: 1 << 20)
        let body = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        let query = body["query"] as? String ?? ""
        let raw = body["variables"] as? [String: Any] ?? [:]
        let variables = raw.compactMapValues { $0 as? Int }
        let authorization = request.headers[.authorization] ?? ""
        let token = authorization.hasPrefix("Bearer ") ? String(authorization.dropFirst(7)) : nil
        let now = Date().timeIntervalSince1970
        return state.withLock { state -> Response in
            state.requests.append(.init(token: token, query: query, variables: variables, status: raw["status"] as? String, at: now))
            let recent = state.requests.filter { $0.at > now - 60 }.count
            let limits: HTTPFields = [
                HTTPField.Name("X-RateLimit-Limit")!: "\(state.perMinute)",
                HTTPField.Name("X-RateLimit-Remaining")!: "\(max(0, state.perMinute - recent))",
            ]
            if !state.tooMany.isEmpty || recent > state.perMinute {
                let wait = state.tooMany.isEmpty ? 60 : state.tooMany.removeFirst()
                var headers = limits
                headers[.retryAfter] = "\(wait)"
                return json(
                    ["data": NSNull(), "errors": [["message": "Too Many Requests.", "status": 429]]],
                    status: .tooManyRequests,
                    headers: headers
                )
            }
            guard let token else {
                return json(["data": NSNull(), "errors": [["message": "Unauthorized.", "status": 401]]], status: .unauthorized, headers: limits)
            }
            guard let account = state.tokens[token] else {
                return json(["data": NSNull(), "errors": [["message": "Invalid token", "status": 400]]], status: .badRequest, headers: limits)
            }
            if query.contains("Viewer") {
                return json(["data": ["Viewer": ["id": account.id, "name": account.name]]], headers: limits)
            }
            guard query.contains("SaveMediaListEntry"), let mediaId = variables["mediaId"], let progress = variables["progress"],
                let status = raw["status"] as? String, ["CURRENT", "COMPLETED", "PLANNING", "DROPPED", "PAUSED", "REPEATING"].contains(status)
            else {
                return json(["data": NSNull(), "errors": [["message": "Validation error.", "status": 400]]], status: .badRequest, headers: limits)
            }
            state.lists[token, default: [:]][mediaId] = (progress, status)
            state.nextID += 1
            return json(["data": ["SaveMediaListEntry": ["id": state.nextID, "progress": progress, "status": status]]], headers: limits)
        }
    }
}
