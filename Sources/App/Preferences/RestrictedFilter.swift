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
        guard let userId else { return [] }
        let preferences = preferences
        guard try await offThread({ try preferences.preferences(userId: userId).hideRestricted }) else { return [] }
        return try await store.restrictedAids()
    }

    /// Whether `userId` hides 18+ titles.
    func hides(for userId: Int64?) async throws -> Bool {
        guard let userId else { return false }
        let preferences = preferences
        return try await offThread { try preferences.preferences(userId: userId).hideRestricted }
    }
}
