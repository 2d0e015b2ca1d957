import Accounts
import Foundation
import Hummingbird
import Mirror
import OffThread

/// `GET` and `PUT /api/me/preferences`: the caller's own `ViewerPreferences` (the open install's are user 0's).
struct PreferencesRoutes<Context: CallerRequestContext> {
    let preferences: PreferencesStore
    let clock: any MirrorClock

    func register(on router: Router<Context>) {
        router.get("api/me/preferences") { _, context in
            let user = try userId(context)
            return try JSONResponse.make(try await preferences.preferences(userId: user))
        }
        router.put("api/me/preferences") { request, context in
            let user = try userId(context)
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: 16 << 10) } catch {
                throw APIError(status: .contentTooLarge, message: "The body is larger than 16 KiB.")
            }
            let change = try PreferencesChange.parse(Data(body.readableBytesView))
            let preferences = preferences
            let now = clock.now()
            let isAdmin = context.caller?.isAdmin ?? false
            if change.hideRestricted == false, !isAdmin, try await preferences.preferences(userId: user).hideRestrictedByAdmin {
                throw APIError(
                    status: .forbidden,
                    message: "An admin hides 18+ titles for this account; only an admin can show them."
                )
            }
            let saved = try await preferences.update(userId: user, now: now) { $0 = change.applied(to: $0) }
            return try JSONResponse.make(saved)
        }
    }

    func userId(_ context: Context) throws -> Int64 {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller.userId
    }
}
