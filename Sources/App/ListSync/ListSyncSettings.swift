import Foundation

/// `[anilist]`: where AniList's GraphQL API is, and how many requests a minute Anikura sends it (AniList allows 90).
struct ListSyncSettings: Sendable, Equatable {
    var aniListURL: String = "https://graphql.anilist.co"
    var aniListPerMinute: Int = 90

    init() {}

    init(_ reader: ConfigReader) throws {
        aniListURL = reader.string("anilist.api_url")
        guard let url = URL(string: aniListURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw reader.invalid("anilist.api_url", "expected an http(s) URL, got '\(aniListURL)'")
        }
        aniListPerMinute = reader.int("anilist.requests_per_minute")
        guard (1...90).contains(aniListPerMinute) else { throw reader.invalid("anilist.requests_per_minute", "must be 1 to 90") }
    }
}
