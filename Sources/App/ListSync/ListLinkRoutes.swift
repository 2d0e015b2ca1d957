import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import OffThread
import Outside

/// The caller's links to list services. AniList: `PUT /api/me/links/anilist` with `{"token"}` (checked with AniList's
/// `Viewer` query). MyAnimeList: OAuth 2 with PKCE — `GET /api/me/links/mal/start` gives the MAL page to send the
/// person to, MAL sends them back to `GET /api/me/links/mal/callback`, which exchanges the code and lands on
/// `/settings`. `DELETE` unlinks either; `GET /api/me/links` says linked as whom, whether the service still takes the
/// token, what waits to be sent and which anime cannot be synced. Tokens are never logged and never returned.
struct ListLinkRoutes<Context: CallerRequestContext> {
    let store: ListSyncStore
    let syncs: [ListSyncService]
    let aniList: any AniListAPI
    let myAnimeList: any MyAnimeListAPI
    /// `mal.client_id`; empty: MyAnimeList linking is off.
    let malClientId: String
    /// `server.public_url`, for MAL's redirect back (else the request's own host).
    let publicURL: String
    let mirror: MirrorStore
    let clock: any MirrorClock

    struct Link: Decodable {
        var token: String
    }

    /// Longer than any AniList token (a JWT of about 1,000 characters).
    static var tokenLimit: Int { 4000 }

    func register(on router: Router<Context>) {
        router.put("api/me/links/anilist") { request, context in
            let user = try userId(context)
            let link: Link = try await RequestParsing.json(request, #"Send {"token": "your AniList access token"}."#)
            let token = link.token.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !token.isEmpty, token.count <= Self.tokenLimit,
                token.unicodeScalars.allSatisfy({ $0.isASCII && $0.value > 32 && $0.value < 127 })
            else {
                throw APIError.badRequest(
                    "That is not an AniList access token: it is one line of letters, digits and punctuation, up to \(Self.tokenLimit) characters."
                )
            }
            let account: ListAccount
            do {
                account = try await aniList.viewer(token: token)
            } catch let error as OutsideError {
                throw Self.apiError(error, "AniList refused this token: make a new one and paste it whole.")
            }
            let (store, now) = (store, clock.now())
            try await store.saveLink(userId: user, service: "anilist", token: token, account: account.name, now: now)
            wake("anilist")
            return try JSONResponse.make(try await links(user))
        }
        router.get("api/me/links/mal/start") { request, context in
            let user = try userId(context)
            guard !malClientId.isEmpty else {
                throw APIError(
                    status: .conflict,
                    message: "MyAnimeList linking is off: an admin registers a MAL client and sets mal.client_id."
                )
            }
            // MAL takes PKCE's plain method only: the verifier is the challenge (43–128 characters).
            let (state, verifier) = (Secrets.token(), Secrets.token() + Secrets.token())
            let (store, now) = (store, clock.now())
            try await store.startAuthorization(state: state, userId: user, service: "mal", verifier: verifier, now: now)
            let url = myAnimeList.authorizeURL(clientId: malClientId, state: state, verifier: verifier, redirectURI: redirectURI(request))
            return try JSONResponse.make(headers: [.cacheControl: "no-store"], ["url": url])
        }
        router.get("api/me/links/mal/callback") { request, context in
            let user = try userId(context)
            let query = request.uri.queryParameters
            guard let state = query.get("state"), let code = query.get("code"), state.count <= 200, code.count <= 4000 else {
                return Self.back(error: query.get("error").map { "MyAnimeList said \($0.prefix(80))" } ?? "MyAnimeList sent no code back")
            }
            let (store, now) = (store, clock.now())
            guard let verifier = try await store.takeAuthorization(state: state, userId: user, service: "mal", now: now) else {
                return Self.back(error: "This MyAnimeList answer is not one you asked for here, or it came too late: link again")
            }
            do {
                let tokens = try await myAnimeList.exchange(code: code, verifier: verifier, redirectURI: redirectURI(request))
                let account = try await myAnimeList.me(accessToken: tokens.accessToken)
                try await store.saveLink(
                    userId: user,
                    service: "mal",
                    token: tokens.accessToken,
                    account: account.name,
                    now: now,
                    refreshToken: tokens.refreshToken,
                    expiresAt: now + tokens.expiresIn
                )
            } catch let error as OutsideError {
                return Self.back(error: error.message)
            }
            wake("mal")
            return Response(status: .found, headers: [.location: "/settings?linked=mal#lists"])
        }
        for service in ["anilist", "mal"] {
            router.delete("api/me/links/\(service)") { _, context in
                let user = try userId(context)
                guard try await store.removeLink(userId: user, service: service) else {
                    throw APIError.notFound("No \(Self.label(service)) account is linked.")
                }
                return Response(status: .noContent)
            }
        }
        router.get("api/me/links") { _, context in
            try JSONResponse.make(try await links(try userId(context)))
        }
    }

    /// Back to the settings page with what went wrong.
    static func back(error: String) -> Response {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~ ")
        let text = String(error.prefix(300)).addingPercentEncoding(withAllowedCharacters: allowed)?.replacingOccurrences(of: " ", with: "+") ?? ""
        return Response(status: .found, headers: [.location: "/settings?link_error=\(text)#lists"])
    }

    static func label(_ service: String) -> String { service == "mal" ? "MyAnimeList" : "AniList" }

    /// Where MAL sends the person back: the registered App Redirect URL.
    func redirectURI(_ request: Request) -> String {
        let base = publicURL.isEmpty ? "http://" + (request.head.authority ?? "localhost") : publicURL
        return (base.hasSuffix("/") ? String(base.dropLast()) : base) + "/api/me/links/mal/callback"
    }

    func wake(_ service: String) {
        for sync in syncs where sync.service == service { sync.linked() }
    }

    static func apiError(_ error: OutsideError, _ refused: String) -> APIError {
        switch error.kind {
        case .refusedKey:
            return APIError.badRequest(refused)
        case .rateLimited:
            return APIError(
                status: .serviceUnavailable,
                message: "\(error.service) asks to slow down; try again in a minute.",
                headers: [.retryAfter: "\(Int(error.retryAfter ?? 60))"]
            )
        default:
            return APIError(status: .badGateway, message: "\(error.service) could not check the token: \(error.message).")
        }
    }

    /// What `GET /api/me/links` says, for each service.
    func links(_ user: Int64) async throws -> [String: any Sendable] {
        var result: [String: any Sendable] = [:]
        for service in ["anilist", "mal"] {
            let store = store
            let (link, entries, unsynced) = (
                try await store.link(userId: user, service: service), try await store.entries(userId: user, service: service),
                try await store.unsyncedAids(userId: user, service: service)
            )
            var fields: [String: any Sendable] = ["linked": link != nil]
            if service == "mal" { fields["available"] = !malClientId.isEmpty }
            if let link {
                let titles = try await mirror.summaries(aids: unsynced)
                let pending = entries.filter(\.isPending)
                fields["account"] = link.account
                fields["state"] = link.state
                fields["linked_at"] = ISOTime.format(link.linkedAt)
                fields["pending"] = pending.count
                fields["synced"] = entries.count - pending.count
                if let message = link.message { fields["message"] = message }
                if let error = pending.compactMap(\.lastError).first { fields["last_error"] = error }
                fields["not_synced"] = unsynced.map { aid in
                    ["aid": aid, "title": titles[aid]?.title ?? "Anime \(aid)", "reason": "no \(Self.label(service)) id"] as [String: any Sendable]
                }
            }
            result[service] = fields
        }
        return result
    }

    func userId(_ context: Context) throws -> Int64 {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller.userId
    }
}
