import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import OffThread

/// Invitations: an admin makes, lists and revokes them (`/api/invites`); a person with a code makes their own
/// account on `/join/{code}` (`GET /api/auth/invite/{code}` says what it offers, `POST /api/auth/register` uses it).
/// Both anonymous routes go through the sign-in throttle: codes are 256 random bits, but nobody gets to try many.
struct InviteRoutes<Context: CallerRequestContext> {
    let invites: InviteStore
    let throttle: SignInThrottle
    let settings: AccessSettings
    let clock: any MirrorClock

    struct NewInvite: Decodable {
        var role: String?
        var hours: Int?
        var uses: Int?
    }

    struct Registration: Decodable {
        var code: String
        var username: String
        var password: String
    }

    func register(on router: Router<Context>) {
        router.post("api/invites") { request, context in
            let new: NewInvite = try await RequestParsing.json(request, #"Send {"role": "viewer" or "admin", "hours": 1 to 720, "uses": 1 to 100}."#)
            if context.caller?.credential == .openInstall {
                throw APIError(
                    status: .conflict,
                    message: "This install has no users yet: create the first admin on /login, then invite others."
                )
            }
            guard let role = Role(rawValue: new.role ?? "viewer") else {
                throw APIError.badRequest(#"role must be "viewer" or "admin"."#)
            }
            let (invites, now, creator) = (invites, clock.now(), context.caller?.userId)
            let made = try await accountChange {
                try invites.create(role: role, hours: new.hours ?? 72, uses: new.uses ?? 1, createdBy: creator == 0 ? nil : creator, now: now)
            }
            return try JSONResponse.make(status: .created, headers: [.cacheControl: "no-store"], view(made.invite, code: made.code))
        }
        router.get("api/invites") { _, _ in
            let invites = invites
            let list = try await invites.list()
            let now = clock.now()
            return try JSONResponse.make(["invites": list.map { view($0, now: now) }] as [String: any Sendable])
        }
        router.delete("api/invites/:id") { _, context in
            guard let id = Int64(context.parameters.get("id") ?? ""), id > 0 else {
                throw APIError.badRequest("An invite id is a positive integer.")
            }
            let (invites, now) = (invites, clock.now())
            guard try await invites.revoke(id: id, now: now) else {
                throw APIError.notFound("No invite \(id) to revoke.")
            }
            return Response(status: .noContent)
        }
        router.get("api/auth/invite/:code") { _, context in
            let code = context.parameters.get("code") ?? ""
            let (invites, now) = (invites, clock.now())
            let invite = try await throttled(context, account: nil) { try await accountChange { try invites.check(code: code, now: now) } }
            return try JSONResponse.make(
                ["role": invite.role.rawValue, "expires_at": ISOTime.format(invite.expiresAt)] as [String: any Sendable]
            )
        }
        router.post("api/auth/register") { request, context in
            let form: Registration = try await RequestParsing.json(request, #"Send {"code", "username", "password"}."#)
            let (invites, now, lifetime) = (invites, clock.now(), settings.sessionLifetime)
            let user = try await throttled(context, account: form.username) {
                try await accountChange { try invites.register(code: form.code, name: form.username, password: form.password, now: now) }
            }
            let users = invites.users
            let token = try await users.createSession(userId: user.id ?? 0, now: now, lifetime: lifetime)
            return try JSONResponse.make(
                status: .created,
                headers: [
                    .setCookie: AuthRoutes<Context>.cookie(value: token, maxAge: Int(lifetime), settings: settings), .cacheControl: "no-store",
                ],
                ["username": user.name, "role": user.role.rawValue] as [String: any Sendable]
            )
        }
    }

    /// `work` as one sign-in attempt for the caller's address (and the account name it asks for): a refusal counts as
    /// a failed attempt, so guessing codes is slowed like guessing passwords.
    func throttled<T: Sendable>(_ context: Context, account: String?, _ work: () async throws -> T) async throws -> T {
        let keys = [SignInThrottle.address(context.remoteAddress)] + (account.map { [SignInThrottle.account($0)] } ?? [])
        let clock = clock
        var failure: (any Error)?
        let now: @Sendable () -> Double = { clock.now() }
        let attempt = try await throttle.attempt(keys, now: now) { () async throws -> T? in
            do {
                return try await work()
            } catch let error as APIError where error.status.code < 500 {
                failure = error
                return nil
            }
        }
        switch attempt {
        case .accepted(let value): return value
        case .lockedOut(let wait): throw AccessMiddleware<Context>.lockedOut(wait)
        case .refused: throw failure ?? APIError.badRequest("This invitation cannot be used.")
        }
    }

    func view(_ invite: Invite, code: String? = nil, now: Double? = nil) -> [String: any Sendable] {
        var fields: [String: any Sendable] = [
            "id": invite.id ?? 0, "role": invite.role.rawValue, "expires_at": ISOTime.format(invite.expiresAt),
            "created_at": ISOTime.format(invite.createdAt), "uses_left": invite.usesLeft,
        ]
        if let code {
            fields["code"] = code
            fields["url"] = "/join/\(code)"
        }
        if let now { fields["state"] = invite.refusal(now: now).map(Self.state) ?? "open" }
        return fields
    }

    static func state(_ refusal: AccountError) -> String {
        switch refusal {
        case .inviteExpired: "expired"
        case .inviteUsedUp: "used"
        default: "revoked"
        }
    }
}
