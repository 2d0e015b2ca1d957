import Accounts
import Foundation
import Mirror
import Numbering
import OffThread
import Outside

/// One list service as list sync sends to it: its name in the database, its id for an AniDB anime (from the community
/// mapping), and how an entry is saved there.
protocol ListService: Sendable {
    /// `anilist`, `mal`: the service's key in `listLink` and `listEntry`.
    var name: String { get }
    /// AniList, MyAnimeList: for people.
    var label: String { get }
    func mediaId(of ids: ExternalIDs) -> Int?
    func save(_ entry: ListEntry, status: ListStatus, link: ListLink) async throws(OutsideError)
}

/// AniList: the token is the link's, for a year.
struct AniListService: ListService {
    let api: any AniListAPI
    var name: String { "anilist" }
    var label: String { "AniList" }

    func mediaId(of ids: ExternalIDs) -> Int? { ids.anilist.first }

    func save(_ entry: ListEntry, status: ListStatus, link: ListLink) async throws(OutsideError) {
        try await api.save(token: link.secret, mediaId: entry.mediaId, progress: entry.progress, status: status)
    }
}

/// MyAnimeList: access tokens expire (a month); one due to expire within a day is renewed with the refresh token first.
struct MyAnimeListService: ListService {
    let api: any MyAnimeListAPI
    let store: ListSyncStore
    let clock: any MirrorClock
    var name: String { "mal" }
    var label: String { "MyAnimeList" }

    /// Renewed when it expires sooner than this.
    static var refreshAhead: Double { 86_400 }

    func mediaId(of ids: ExternalIDs) -> Int? { ids.mal.first }

    func save(_ entry: ListEntry, status: ListStatus, link: ListLink) async throws(OutsideError) {
        let token = try await freshToken(link)
        try await api.save(accessToken: token, animeId: entry.mediaId, watched: entry.progress, status: status)
    }

    /// The link's access token, renewed first when it expires within `refreshAhead`.
    func freshToken(_ link: ListLink) async throws(OutsideError) -> String {
        let now = clock.now()
        guard let expiresAt = link.expiresAt, expiresAt - now < Self.refreshAhead, let refresh = link.refreshSecret else { return link.secret }
        let tokens = try await api.refresh(refresh)
        let (store, userId, name) = (store, link.userId, name)
        do {
            try await store.updateTokens(
                userId: userId,
                service: name,
                token: tokens.accessToken,
                refreshToken: tokens.refreshToken,
                expiresAt: now + tokens.expiresIn
            )
        } catch {
            throw OutsideError(service: "MyAnimeList", kind: .failed, message: "the renewed MyAnimeList token could not be kept: \(error)")
        }
        return tokens.accessToken
    }
}
