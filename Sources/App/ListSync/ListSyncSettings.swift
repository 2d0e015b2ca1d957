import Foundation

/// `[anilist]`: where AniList's GraphQL API is, and how many requests a minute Anikura sends it (AniList allows 90).
/// `[mal]`: the MyAnimeList client an admin registered (`client_id`, `client_secret` if it has one), and where MAL's
/// API and OAuth are.
struct ListSyncSettings: Sendable, Equatable {
    var aniListURL: String = "https://graphql.anilist.co"
    var aniListPerMinute: Int = 90
    var malClientId = ""
    var malClientSecret = ""
    var malAPIURL = "https://api.myanimelist.net/v2"
    var malAuthURL = "https://myanimelist.net/v1/oauth2"
    /// MyAnimeList publishes no number; one a second is polite.
    var malPerMinute = 60

    init() {}

    init(_ reader: ConfigReader) throws {
        aniListURL = reader.string("anilist.api_url")
        guard let url = URL(string: aniListURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw reader.invalid("anilist.api_url", "expected an http(s) URL, got '\(aniListURL)'")
        }
        aniListPerMinute = reader.int("anilist.requests_per_minute")
        guard (1...90).contains(aniListPerMinute) else { throw reader.invalid("anilist.requests_per_minute", "must be 1 to 90") }
        malClientId = reader.string("mal.client_id")
        malClientSecret = reader.string("mal.client_secret")
        malAPIURL = reader.string("mal.api_url")
        malAuthURL = reader.string("mal.auth_url")
        for (key, value) in [("mal.api_url", malAPIURL), ("mal.auth_url", malAuthURL)] {
            guard let url = URL(string: value), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw reader.invalid(key, "expected an http(s) URL, got '\(value)'")
            }
        }
    }
}
