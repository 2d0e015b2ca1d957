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
    /// For `/api/me`'s `links`: the accounts the caller linked (never their tokens).
    var listLinks: ListSyncStore? = nil

    struct Login: Decodable {
        var username: String
        var password: String
    }

    struct PasswordChange: Decodable {
        var currentPassword: String
        var newPassword: String
    }

    func register(on router: Router<Context>) {
        registerSetup(on: router)
        registerKeys(on: router)
        router.post("api/auth/login") { request, context in try await login(request, context) }
        router.post("api/auth/logout") { request, _ in
            if let token = AccessMiddleware<Context>.cookie(AccessMiddleware<Context>.sessionCookie, in: request) {
                try await users.endSession(token: token)
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
            var links: [String: any Sendable] = [:]
            if let listLinks {
                for service in ["anilist", "mal"] {
                    if let link = try await listLinks.link(userId: caller.userId, service: service) {
                        links[service] = link.account
                    }
                }
            }
            return try JSONResponse.make(
                [
                    "username": caller.name ?? NSNull(), "role": caller.role.rawValue, "credential": credential, "links": links,
                ] as [String: any Sendable]
            )
        }
        router.post("api/me/password") { request, context in
            let caller = try signedIn(context)
            guard let name = caller.name else {
                throw APIError(status: .conflict, message: "There are no users yet: add one with `anikura user add`.")
            }
            let change: PasswordChange = try await RequestParsing.json(request, #"Send {"currentPassword", "newPassword"}."#)
            guard try await users.verify(name: name, password: change.currentPassword) != nil else {
                throw APIError(status: .forbidden, message: "The current password is wrong.")
            }
            let keep: String? = if case .session(let token) = caller.credential { token } else { nil }
            do {
                try await users.setPassword(name: name, password: change.newPassword, keepingSession: keep)
            } catch let error as AccountError {
                throw APIError.badRequest(error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
            }
            authenticator.forgetCached()
            return Response(status: .noContent)
        }
    }

    struct NewKey: Decodable {
        var label: String
    }

    /// The first admin, from the sign-in page of a fresh loopback install (`GET` says whether it may be done).
    func registerSetup(on router: Router<Context>) {
        router.get("api/auth/setup") { _, _ in
            try JSONResponse.make(["available": try await authenticator.isOpen()] as [String: any Sendable])
        }
        router.post("api/auth/setup") { request, _ in
            guard try await authenticator.isOpen() else {
                throw APIError(status: .conflict, message: "This install has users already: sign in instead.")
            }
            let login: Login = try await RequestParsing.json(request, #"Send {"username", "password"}."#)
            let (users, now, lifetime) = (users, clock.now(), settings.sessionLifetime)
            let (user, token) = try await accountChange { () throws -> (User, String) in
                let user = try users.add(name: login.username, role: .admin, password: login.password, now: now, onlyIfFirst: true)
                return (user, try users.createSession(userId: user.id ?? 0, now: now, lifetime: lifetime))
            }
            authenticator.forgetCached()
            return try JSONResponse.make(
                status: .created,
                headers: [.setCookie: cookie(value: token, maxAge: Int(lifetime)), .cacheControl: "no-store"],
                ["username": user.name, "role": user.role.rawValue] as [String: any Sendable]
            )
        }
    }

    /// The caller's own API keys: listed, made (the key is in the answer, once), revoked.
    func registerKeys(on router: Router<Context>) {
        router.get("api/me/keys") { _, context in
            let name = try userName(context)
            let users = users
            let keys = try await users.keys().filter { $0.userName == name }
            return try JSONResponse.make(["keys": keys.map(Self.json)] as [String: any Sendable])
        }
        router.post("api/me/keys") { request, context in
            let name = try userName(context)
            let new: NewKey = try await RequestParsing.json(request, #"Send {"label": "what the key is for"}."#)
            let (users, now) = (users, clock.now())
            let (id, key) = try await accountChange { try users.createKey(userName: name, label: new.label, now: now) }
            return try JSONResponse.make(
                status: .created,
                headers: [.cacheControl: "no-store"],
                ["id": id, "label": new.label, "key": key] as [String: any Sendable]
            )
        }
        router.delete("api/me/keys/:id") { _, context in
            let name = try userName(context)
            guard let id = Int64(context.parameters.get("id") ?? ""), id > 0 else {
                throw APIError.badRequest("A key id is a positive integer.")
            }
            let users = users
            // Someone else's key is "no such key" here: its existence is not this caller's business.
            guard try await users.keys().contains(where: { $0.id == id && $0.userName == name }) else {
                throw APIError.notFound("No API key \(id) of yours.")
            }
            try await accountChange { try users.revokeKey(id: id) }
            authenticator.forgetCached()
            return Response(status: .noContent)
        }
    }

    static func json(_ key: APIKeyListing) -> [String: any Sendable] {
        [
            "id": key.id, "label": key.label, "createdAt": ISOTime.format(key.createdAt),
            "lastUsedAt": key.lastUsedAt.map(ISOTime.format) ?? NSNull(),
        ]
    }

    func userName(_ context: Context) throws -> String {
        guard let name = try signedIn(context).name else {
            throw APIError(status: .conflict, message: "There are no users yet: create the first admin on /login.")
        }
        return name
    }

    func login(_ request: Request, _ context: Context) async throws -> Response {
        let login: Login = try await RequestParsing.json(request, #"Send {"username", "password"}."#)
        let clock = clock
        let keys = [SignInThrottle.address(context.remoteAddress), SignInThrottle.account(login.username)]
        let users = users
        // The slot is taken before the password is checked: a burst of guesses checks at most the limit's worth.
        let time: @Sendable () -> Double = { clock.now() }
        let attempt = try await throttle.attempt(keys, now: time) {
            try await users.verify(name: login.username, password: login.password)
        }
        guard case .accepted(let user) = attempt, let id = user.id else {
            if case .lockedOut(let wait) = attempt { throw AccessMiddleware<Context>.lockedOut(wait) }
            throw APIError(status: .unauthorized, message: "Wrong user name or password.")
        }
        let now = clock.now()
        let lifetime = settings.sessionLifetime
        let token = try await users.createSession(userId: id, now: now, lifetime: lifetime)
        return try JSONResponse.make(
            headers: [.setCookie: cookie(value: token, maxAge: Int(lifetime)), .cacheControl: "no-store"],
            ["username": user.name, "role": user.role.rawValue] as [String: any Sendable]
        )
    }

    /// The session cookie: not readable by scripts, sent on top-level navigation from other sites (links work)
    /// but not on their forms or fetches.
    func cookie(value: String, maxAge: Int) -> String {
        Self.cookie(value: value, maxAge: maxAge, settings: settings)
    }

    static func cookie(value: String, maxAge: Int, settings: AccessSettings) -> String {
        "\(AccessMiddleware<Context>.sessionCookie)=\(value); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Lax"
            + (settings.secureCookies ? "; Secure" : "")
    }

    func signedIn(_ context: Context) throws -> Caller {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller
    }
}
