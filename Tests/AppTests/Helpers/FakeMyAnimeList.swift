import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Mirror
import NIOCore

/// A stand-in for MyAnimeList's OAuth 2 and API v2 on a real local socket, written from MAL's documentation
/// (myanimelist.net/apiconfig/references/authorization: the authorization-code grant with PKCE, `plain` only;
/// `POST /v1/oauth2/token` with a form; api/v2: `GET /users/@me`, `PATCH /anime/{id}/my_list_status` with
/// `num_watched_episodes` and `status`). The person's visit to MAL's authorize page is `approve`; it records every
/// request, and keeps each user's list.
final class FakeMyAnimeList: Sendable {
    struct Recorded: Sendable {
        var method: String
        var path: String
        var authorization: String?
        var form: [String: String]
    }

    struct State {
        var requests: [Recorded] = []
        /// Code → (challenge, redirect URI, client id) from the authorize page.
        var codes: [String: (challenge: String, redirect: String, clientId: String)] = [:]
        var accessTokens: Set<String> = []
        var refreshTokens: Set<String> = []
        var issued = 0
        var expiresIn = 2_678_400
        /// Anime id → (watched, status).
        var list: [Int: (watched: Int, status: String)] = [:]
    }

    let port: Int
    private let server: Task<Void, any Error>
    private let state: LockedBox<State>

    var apiURL: String { "http://127.0.0.1:\(port)/v2" }
    var authURL: String { "http://127.0.0.1:\(port)/v1/oauth2" }
    var requests: [Recorded] { state.withLock { $0.requests } }
    func with<T>(_ body: (inout State) -> T) -> T { state.withLock(body) }
    func stop() { server.cancel() }

    /// The person allows Anikura on MAL's page: MAL would redirect with this code.
    func approve(code: String, challenge: String, redirect: String, clientId: String) {
        state.withLock { $0.codes[code] = (challenge, redirect, clientId) }
    }

    static func start() async throws -> FakeMyAnimeList {
        let state = LockedBox(State())
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let router = Router()
        router.post("v1/oauth2/token") { request, _ in try await token(request, state) }
        router.get("v2/users/@me") { request, _ in
            record(request, [:], state)
            guard authorized(request, state) else { return json(["error": "invalid_token"], status: .unauthorized) }
            return json(["id": 7, "name": "vic_mal"])
        }
        router.patch("v2/anime/:id/my_list_status") { request, context in
            let form = try await Self.form(request)
            record(request, form, state)
            guard authorized(request, state) else { return json(["error": "invalid_token"], status: .unauthorized) }
            guard let id = Int(context.parameters.get("id") ?? ""), let watched = form["num_watched_episodes"].flatMap(Int.init),
                let status = form["status"], ["watching", "completed", "on_hold", "dropped", "plan_to_watch"].contains(status)
            else { return json(["error": "bad_request"], status: .badRequest) }
            state.withLock { $0.list[id] = (watched, status) }
            return json(["status": status, "num_episodes_watched": watched, "score": 0])
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { portContinuation.yield($0.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "fake-mal")
                logger.logLevel = .critical
                return logger
            }()
        )
        let server = Task { try await app.runService() }
        var iterator = portStream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return FakeMyAnimeList(port: port, server: server, state: state)
    }

    private init(port: Int, server: Task<Void, any Error>, state: LockedBox<State>) {
        self.port = port
        self.server = server
        self.state = state
    }

    static func json(_ value: Any, status: HTTPResponse.Status = .ok) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: value)) ?? Data()
        return Response(status: status, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: data)))
    }

    static func form(_ request: Request) async throws -> [String: String] {
        let bytes = try await request.body.collect(upTo: 1 << 16)
        var form: [String: String] = [:]
        for pair in String(buffer: bytes).split(separator: "&") {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).removingPercentEncoding ?? String($0) }
            if parts.count == 2 { form[parts[0]] = parts[1] }
        }
        return form
    }

    static func record(_ request: Request, _ form: [String: String], _ state: LockedBox<State>) {
        state.withLock {
            $0.requests.append(
                .init(method: request.method.rawValue, path: request.uri.path, authorization: request.headers[.authorization], form: form)
            )
        }
    }

    static func authorized(_ request: Request, _ state: LockedBox<State>) -> Bool {
        let header = request.headers[.authorization] ?? ""
        return header.hasPrefix("Bearer ") && state.withLock { $0.accessTokens.contains(String(header.dropFirst(7))) }
    }

    static func token(_ request: Request, _ state: LockedBox<State>) async throws -> Response {
        let form = try await Self.form(request)
        record(request, form, state)
        guard request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true else {
            return json(["error": "invalid_request"], status: .badRequest)
        }
        return state.withLock { state -> Response in
            switch form["grant_type"] {
            case "authorization_code":
                guard let code = form["code"], let issued = state.codes.removeValue(forKey: code), form["client_id"] == issued.clientId,
                    form["code_verifier"] == issued.challenge, form["redirect_uri"] == issued.redirect
                else { return json(["error": "invalid_grant", "message": "wrong code, verifier or redirect"], status: .badRequest) }
            case "refresh_token":
                guard let refresh = form["refresh_token"], state.refreshTokens.remove(refresh) != nil else {
                    return json(["error": "invalid_grant", "message": "unknown refresh token"], status: .badRequest)
                }
                // The access tokens made before are no longer good.
                state.accessTokens.removeAll()
            default:
                return json(["error": "unsupported_grant_type"], status: .badRequest)
            }
            state.issued += 1
            let access = "mal-access-\(state.issued)"
            let refresh = "mal-refresh-\(state.issued)"
            state.accessTokens.insert(access)
            state.refreshTokens.insert(refresh)
            return json(["token_type": "Bearer", "expires_in": state.expiresIn, "access_token": access, "refresh_token": refresh])
        }
    }
}
