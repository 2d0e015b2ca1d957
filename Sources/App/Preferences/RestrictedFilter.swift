import Accounts
import Foundation
import Mirror
import OffThread

/// The anime a caller does not see: none, or for a user whose preferences hide 18+ titles (their own choice, or an
/// admin's), every anime AniDB marks restricted or adult. Applied to what the web app lists and opens for that user
/// (shelf, search, home rows, series pages, the player, continue watching, playlists); the mirror's dialects for
/// clients (Kometa, AniDB's HTTP API) are not filtered.
struct RestrictedFilter: Sendable {
    let preferences: PreferencesStore
    let store: MirrorStore

    /// The aids hidden from `userId` (empty when nothing is hidden).
    func hidden(for userId: Int64?) async throws -> Set<Int> {
        try await view(for: userId).hidden
    }

    /// Whether `userId` hides 18+ titles, and the aids that hides, from one read of their preferences.
    func view(for userId: Int64?) async throws -> (hides: Bool, hidden: Set<Int>) {
        guard let userId else { return (false, []) }
        guard try await preferences.preferences(userId: userId).hideRestricted else { return (false, []) }
        return (true, try await store.restrictedAids())
    }
}
