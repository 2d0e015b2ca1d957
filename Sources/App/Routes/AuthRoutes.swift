import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import OffThread

/// Signing in and out, and who the caller is: `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/me`,
/// `POST /api/me/password`.
struct AuthRoutes<Context: CallerRequestContext> {
    let users: UserStore
    let authenticator: Authenticator
    let throttle: SignInThrottle
    let settings: AccessSettings
    let clock: any MirrorClock

    struct Login: Decodable {
        var username: String
        var password: String
    }

    struct PasswordChange: Decodable {
        var currentPassword: String
        var newPassword: String
    }

    func register(on router: Router<Context>) {
        router.post("api/auth/login") { request, context in try await login(request, context) }
        router.post("api/auth/logout") { request, _ in
            if let token = AccessMiddleware<Context>.cookie(AccessMiddleware<Context>.sessionCookie, in: request) {
                let users = users
                try await offThread { try users.endSession(token: token) }
                authenticator.forgetCached()
            }
            return Response(status: .noContent, headers: [.setCookie: cookie(value: "", maxAge: 0)])
        }
        router.get("api/me") { _, context in
            let caller = try signedIn(context)
            let credential: String =
                switch caller.credential {
                case .openInstall: "open"
                case .session: "session"
                case .apiKey: "apiKey"
                case .basicPassword: "basic"
                }
            return try JSONResponse.make(
                ["username": caller.name ?? NSNull(), "role": caller.role.rawValue, "credential": credential] as [String: any Sendable]
            )
        }
        router.post("api/me/password") { request, context in
            let caller = try signedIn(context)
            guard let name = caller.name else {
                throw APIError(status: .conflict, message: "There are no users yet: add one with `anikura user add`.", dialect: .native)
            }
            let change: PasswordChange = try await RequestParsing.json(request, #"Send {"currentPassword", "newPassword"}."#)
            let users = users
            guard try await offThread({ try users.verify(name: name, password: change.currentPassword) }) != nil else {
                throw APIError(status: .forbidden, message: "The current password is wrong.", dialect: .native)
            }
            let keep: String? = if case .session(let token) = caller.credential { token } else { nil }
            do {
                try await offThread { try users.setPassword(name: name, password: change.newPassword, keepingSession: keep) }
            } catch let error as AccountError {
                throw APIError.badRequest(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".", .native)
            }
            authenticator.forgetCached()
            return Response(status: .noContent)
        }
    }

    func login(_ request: Request, _ context: Context) async throws -> Response {
        let login: Login = try await RequestParsing.json(request, #"Send {"username", "password"}."#)
        let now = clock.now()
        let keys = [SignInThrottle.address(context.remoteAddress), SignInThrottle.account(login.username)]
        if let wait = throttle.retryAfter(keys, now: now) { throw AccessMiddleware<Context>.lockedOut(wait) }
        let users = users
        let user = try await offThread { try users.verify(name: login.username, password: login.password) }
        guard let user, let id = user.id else {
            throttle.recordFailure(keys, now: now)
            throw APIError(status: .unauthorized, message: "Wrong user name or password.", dialect: .native)
        }
        throttle.recordSuccess(keys)
        let lifetime = settings.sessionLifetime
        let token = try await offThread { try users.createSession(userId: id, now: now, lifetime: lifetime) }
        return try JSONResponse.make(
            headers: [.setCookie: cookie(value: token, maxAge: Int(lifetime)), .cacheControl: "no-store"],
            ["username": user.name, "role": user.role.rawValue] as [String: any Sendable]
        )
    }

    /// The session cookie: not readable by scripts, sent on top-level navigation from other sites (links work)
    /// but not on their forms or fetches.
    func cookie(value: String, maxAge: Int) -> String {
        "\(AccessMiddleware<Context>.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
            + (settings.secureCookies ? "; Secure" : "")
    }

    func signedIn(_ context: Context) throws -> Caller {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller
    }
}
