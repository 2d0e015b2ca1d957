import Foundation

/// MyAnimeList's API v2 and OAuth 2 as list sync uses them: the authorization-code flow with PKCE (MAL takes the
/// `plain` method only), refreshing tokens, who a token belongs to, and an anime's status on the user's list. The live
/// client is `MyAnimeListClient`; tests use a stand-in written from MAL's documentation.
public protocol MyAnimeListAPI: Sendable {
    /// The page to send the person to: MAL asks them to allow Anikura, then redirects to `redirectURI`.
    func authorizeURL(clientId: String, state: String, verifier: String, redirectURI: String) -> String
    /// Tokens for the code MAL gave the redirect (`grant_type=authorization_code`).
    func exchange(code: String, verifier: String, redirectURI: String) async throws(OutsideError) -> MyAnimeListTokens
    /// New tokens for a refresh token (`grant_type=refresh_token`).
    func refresh(_ refreshToken: String) async throws(OutsideError) -> MyAnimeListTokens
    /// The account (`GET /users/@me`).
    func me(accessToken: String) async throws(OutsideError) -> ListAccount
    /// `PATCH /anime/{id}/my_list_status` with `num_watched_episodes` and `status` (`watching`, `completed`).
    func save(accessToken: String, animeId: Int, watched: Int, status: ListStatus) async throws(OutsideError)
}

/// What MAL's token endpoint gives: an access token, the refresh token, and seconds until the access token expires.
public struct MyAnimeListTokens: Sendable, Equatable {
    public var accessToken: String
    public var refreshToken: String
    public var expiresIn: Double

    public init(accessToken: String, refreshToken: String, expiresIn: Double) {
        self.accessToken = accessToken
        self.refreshToken = refreshToken
        self.expiresIn = expiresIn
    }
}

extension ListStatus {
    /// MAL's `status` value.
    public var myAnimeList: String { self == .current ? "watching" : "completed" }
}
