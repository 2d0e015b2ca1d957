import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mirror

/// Decides, for every routed request, whether it may go on, by the route's `RoutePolicy`: it reads the
/// credential (session cookie, `Authorization: Bearer`, `X-Api-Key`, HTTP Basic with a password or a key),
/// throttles failed sign-ins, rate-limits anonymous mirror reads, refuses cross-site requests that would use a
/// browser's ambient credentials to change state, and puts the `Caller` in the context.
struct AccessMiddleware<Context: CallerRequestContext>: RouterMiddleware {
    let authenticator: Authenticator
    let throttle: SignInThrottle
    let anonymousLimiter: AddressRateLimiter
    let settings: AccessSettings
    let clock: any MirrorClock

    static var sessionCookie: String { "anikura_session" }

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        if !settings.trustedProxies.isEmpty {
            context.remoteAddress = settings.trustedProxies.clientAddress(
                peer: context.remoteAddress,
                forwardedFor: request.headers[values: .xForwardedFor]
            )
        }
        // An unknown path has no endpoint yet: it goes on to the router's 404, which tells nothing.
        guard let endpoint = context.endpointPath else { return try await next(request, context) }
        let policy = RoutePolicy.of(method: request.method, endpoint: endpoint) ?? .admin
        // An open install answers only to its own names where being open grants more than anyone has (DNS
        // rebinding, see `ServerNames`): the user routes, and setup or sign-in. Mirror reads, pages and /health
        // answer any name (clients reach the mirror as api.anidb.net). Once there are users, a rebound name carries
        // none of their credentials, and a proxy may forward any name it is reached by.
        let guarded = policy == .viewer || policy == .admin || (policy == .open && !request.method.isSafe)
        let authority = request.head.authority ?? ""
        if guarded, !settings.names.contains(authority: authority), try await authenticator.isOpen() {
            throw ServerNames.misdirected(authority)
        }
        switch policy {
        case .open:
            // Signing in from another site's form would sign a victim in as the attacker (login CSRF).
            if request.method == .post, !OriginCheck.isSameOrigin(request, publicURL: settings.publicURL) {
                throw Self.crossSite
            }
            // Nothing here needs to know who asks: a stale cookie or a wrong key must not lock anyone out of the
            // sign-in page.
            return try await next(request, context)
        case .signedLink:
            return try await next(request, context)
        case .mirror, .viewer, .admin:
            let caller = try await caller(request, context, required: !(policy == .mirror && settings.anonymousMirror))
            if let caller {
                if policy == .admin, !caller.isAdmin {
                    throw APIError(status: .forbidden, message: "Only an admin may do this.")
                }
                let ambient = caller.credential == .basicPassword || caller.credential.isSession
                if ambient, !request.method.isSafe, !OriginCheck.isSameOrigin(request, publicURL: settings.publicURL) {
                    throw Self.crossSite
                }
            } else if let wait = anonymousLimiter.take(context.remoteAddress, now: clock.now()) {
                throw APIError(
                    status: .tooManyRequests,
                    message: "Too many requests from this address; slow down, or use an API key.",
                    headers: [.retryAfter: String(wait)]
                )
            }
            context.caller = caller
            return try await next(request, context)
        }
    }

    static var crossSite: APIError {
        APIError(status: .forbidden, message: "Cross-site request refused: send it from Anikura's own pages.")
    }

    /// The caller, nil for none; throws 401 for a wrong credential (or none when one is `required`) and 429
    /// during a lock-out.
    func caller(_ request: Request, _ context: Context, required: Bool) async throws -> Caller? {
        if try await authenticator.isOpen() { return .openInstall }
        let credential = Self.credential(request)
        guard let credential else {
            if required { throw Self.unauthorized(basic: false) }
            return nil
        }
        var keys = [SignInThrottle.address(context.remoteAddress)]
        if case .basic(let name, _) = credential.value { keys.append(SignInThrottle.account(name)) }
        // A session token is 256 random bits: guessing one is hopeless, so an ended session is not a failure.
        guard !credential.isSession else {
            if let user = try await authenticator.user(for: credential.value) { return Self.caller(user, credential) }
            if required { throw Self.unauthorized(basic: false) }
            return nil
        }
        // A credential proved right a moment ago is not an attempt: a client's burst of requests with its key
        // takes no slots (a lock-out still applies).
        if let user = authenticator.cachedUser(for: credential.value) {
            if let wait = throttle.retryAfter(keys, now: clock.now()) { throw Self.lockedOut(wait) }
            return Self.caller(user, credential)
        }
        let clock = clock
        switch try await throttle.attempt(keys, now: { clock.now() }, { try await authenticator.user(for: credential.value) }) {
        case .lockedOut(let wait): throw Self.lockedOut(wait)
        case .refused: throw Self.unauthorized(basic: credential.isBasic, message: "Wrong credentials.")
        case .accepted(let user): return Self.caller(user, credential)
        }
    }

    static func caller(_ user: SignedInUser, _ credential: GivenCredential) -> Caller {
        Caller(userId: user.id, name: user.name, role: user.role, credential: credential.callerCredential(user))
    }

    static func lockedOut(_ seconds: Int) -> APIError {
        APIError(
            status: .tooManyRequests,
            message: "Too many failed sign-ins; try again in \(seconds) seconds.",
            headers: [.retryAfter: String(seconds)]
        )
    }

    /// 401. A Basic challenge only to a client that used Basic: to a page's `fetch` it would open the browser's
    /// password dialog instead of the sign-in page.
    static func unauthorized(basic: Bool, message: String = "Sign in, or send an API key.") -> APIError {
        APIError(
            status: .unauthorized,
            message: message,
            headers: [.wwwAuthenticate: basic ? "Basic realm=\"anikura\", charset=\"UTF-8\"" : "Bearer realm=\"anikura\""]
        )
    }

    struct GivenCredential {
        var value: Authenticator.Credential
        var isSession: Bool { if case .session = value { true } else { false } }
        var isBasic: Bool { if case .basic = value { true } else { false } }

        func callerCredential(_ user: SignedInUser) -> Caller.Credential {
            switch value {
            case .session(let token): .session(token: token)
            case .apiKey: .apiKey
            case .basic: user.keyId == nil ? .basicPassword : .apiKey
            }
        }
    }

    /// The request's credential: a key or Basic header first (scripts), then the session cookie (browsers).
    static func credential(_ request: Request) -> GivenCredential? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                return GivenCredential(value: .apiKey(parts[1].trimmingCharacters(in: .whitespaces)))
            }
            if let pair = BasicCredentials.decode(header) {
                // An API key as the password works whatever the user name (scripts that only speak Basic).
                if pair.password.hasPrefix("ak_") { return GivenCredential(value: .apiKey(pair.password)) }
                return GivenCredential(value: .basic(user: pair.user, password: pair.password))
            }
            return GivenCredential(value: .apiKey(header))
        }
        if let key = request.headers[.xApiKey] { return GivenCredential(value: .apiKey(key)) }
        if let token = Self.cookie(sessionCookie, in: request) { return GivenCredential(value: .session(token)) }
        return nil
    }

    static func cookie(_ name: String, in request: Request) -> String? {
        for header in request.headers[values: .cookie] {
            for pair in header.split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2, parts[0].trimmingCharacters(in: .whitespaces) == name {
                    return String(parts[1]).trimmingCharacters(in: .whitespaces)
                }
            }
        }
        return nil
    }
}

extension Caller.Credential {
    var isSession: Bool { if case .session = self { true } else { false } }
}

extension HTTPRequest.Method {
    /// Methods that must not change state (RFC 9110 §9.2.1).
    var isSafe: Bool { self == .get || self == .head || self == .options }
}

extension HTTPField.Name {
    static let xApiKey = Self("X-Api-Key")!
    static let xForwardedFor = Self("X-Forwarded-For")!
}
