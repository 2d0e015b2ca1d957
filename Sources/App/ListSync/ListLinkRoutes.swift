import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import OffThread
import Outside

/// The caller's links to list services: `PUT /api/me/links/anilist` with `{"token"}` checks an AniList access token
/// with AniList's `Viewer` query and keeps it; `DELETE` unlinks; `GET /api/me/links` says linked as whom, whether
/// AniList still takes the token, what waits to be sent and which anime cannot be synced (no AniList id). The token is
/// never logged and never returned.
struct ListLinkRoutes<Context: CallerRequestContext> {
    let store: ListSyncStore
    let sync: ListSyncService
    let aniList: any AniListAPI
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
                    "That is not an AniList access token: it is one line of letters, digits and punctuation, up to \(Self.tokenLimit) characters.",
                    .native
                )
            }
            let account: ListAccount
            do {
                account = try await aniList.viewer(token: token)
            } catch let error as OutsideError {
                switch error.kind {
                case .refusedKey:
                    throw APIError.badRequest("AniList refused this token: make a new one and paste it whole.", .native)
                case .rateLimited:
                    throw APIError(
                        status: .serviceUnavailable,
                        message: "AniList asks to slow down; try again in a minute.",
                        dialect: .native,
                        headers: [.retryAfter: "\(Int(error.retryAfter ?? 60))"]
                    )
                default:
                    throw APIError(status: .badGateway, message: "AniList could not check the token: \(error.message).", dialect: .native)
                }
            }
            let (store, now) = (store, clock.now())
            try await offThread {
                try store.saveLink(userId: user, service: ListSyncService.service, token: token, account: account.name, now: now)
            }
            sync.linked()
            return try JSONResponse.make(try await links(user))
        }
        router.delete("api/me/links/anilist") { _, context in
            let user = try userId(context)
            let store = store
            guard try await offThread({ try store.removeLink(userId: user, service: ListSyncService.service) }) else {
                throw APIError.notFound("No AniList account is linked.", .native)
            }
            return Response(status: .noContent)
        }
        router.get("api/me/links") { _, context in
            try JSONResponse.make(try await links(try userId(context)))
        }
    }

    /// What `GET /api/me/links` says.
    func links(_ user: Int64) async throws -> [String: any Sendable] {
        let (store, service) = (store, ListSyncService.service)
        let (link, entries, unsynced) = try await offThread {
            (
                try store.link(userId: user, service: service), try store.entries(userId: user, service: service),
                try store.unsyncedAids(userId: user, service: service)
            )
        }
        guard let link else { return ["anilist": ["linked": false] as [String: any Sendable]] }
        let titles = try await mirror.summaries(aids: unsynced + entries.map(\.aid))
        let pending = entries.filter(\.isPending)
        var aniList: [String: any Sendable] = [
            "linked": true, "account": link.account, "state": link.state, "linked_at": ISOTime.format(link.linkedAt),
            "pending": pending.count, "synced": entries.count - pending.count,
        ]
        if let message = link.message { aniList["message"] = message }
        if let error = pending.compactMap(\.lastError).first { aniList["last_error"] = error }
        aniList["not_synced"] = unsynced.map { aid in
            ["aid": aid, "title": titles[aid]?.title ?? "Anime \(aid)", "reason": "no AniList id"] as [String: any Sendable]
        }
        return ["anilist": aniList]
    }

    func userId(_ context: Context) throws -> Int64 {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller.userId
    }
}
