import HTTPTypes

/// Who may call a route. Every route the router has is in `RoutePolicy.table`; a test fails for one that is not.
enum RoutePolicy: String, Sendable, CaseIterable {
    /// Anyone, always: the health check, the pages (their data comes from routes below), signing in and out.
    case open
    /// The mirror's read routes: without credentials while `server.anonymous_mirror` is on (rate-limited per
    /// address), else like `viewer`.
    case mirror
    /// Any signed-in user.
    case viewer
    /// Admins: scans, matching, fixing matches, jobs, metrics, the mirror's upstream log.
    case admin
    /// HLS playlists and segments: the signed, expiring token in the URL is the credential (players send no
    /// headers); it names the user it was made for.
    case signedLink

    /// `METHOD /path` as Hummingbird describes the route (`{name}` for a parameter) → its policy.
    static let table: [String: RoutePolicy] = {
        var table: [String: RoutePolicy] = [
            "GET /health": .open,
            "GET /player": .open,
            "GET /js/**": .open,
            "GET /css/**": .open,
            "GET /vendor/**": .open,
            "GET /favicon.svg": .open,
            "POST /api/auth/login": .open,
            "POST /api/auth/logout": .open,
            // Creates the first admin only while the install is open (loopback, no users); refused after.
            "GET /api/auth/setup": .open,
            "POST /api/auth/setup": .open,
            // Joining with an invitation's code (throttled like signing in): what it offers, and the account it makes.
            "GET /api/auth/invite/{code}": .open,
            "POST /api/auth/register": .open,

            "GET /httpapi": .mirror,
            "GET /api/anime-titles.xml.gz": .mirror,
            "GET /api/anime/{aid}": .mirror,
            "GET /api/anime/{aid}/franchise": .mirror,
            "GET /api/search": .mirror,
            "GET /api/tags/{tag_id}": .mirror,
            "GET /api/stats": .mirror,
            // The community mapping: public data, read by Kometa's Convert without credentials.
            "GET /api/lookup": .mirror,
            "GET /api/kometa/anime_ids.json": .mirror,
            "GET /api/anime/{aid}/mapping": .mirror,
            "PUT /api/anime/{aid}/mapping": .admin,
            "DELETE /api/anime/{aid}/mapping": .admin,

            "GET /api/me": .viewer,
            "GET /api/me/continue": .viewer,
            "GET /api/me/preferences": .viewer,
            "GET /api/me/links": .viewer,
            "PUT /api/me/links/anilist": .viewer,
            "DELETE /api/me/links/anilist": .viewer,
            // MyAnimeList's OAuth: the start gives MAL's page; MAL sends the browser back to the callback (with its cookie).
            "GET /api/me/links/mal/start": .viewer,
            "GET /api/me/links/mal/callback": .viewer,
            "DELETE /api/me/links/mal": .viewer,
            "PUT /api/me/preferences": .viewer,
            "GET /api/me/progress/{fileId}": .viewer,
            "PUT /api/me/progress/{fileId}": .viewer,
            "POST /api/me/progress/{fileId}": .viewer,
            "POST /api/me/password": .viewer,
            "POST /api/me/watched/{fileId}": .viewer,
            "DELETE /api/me/watched/{fileId}": .viewer,
            "POST /api/me/watched/series/{aid}": .viewer,
            "DELETE /api/me/watched/series/{aid}": .viewer,
            "GET /api/me/keys": .viewer,
            "POST /api/me/keys": .viewer,
            "DELETE /api/me/keys/{id}": .viewer,
            "GET /api/shelf": .viewer,
            "GET /api/series/{aid}": .viewer,
            "GET /api/watch/{fileId}": .viewer,
            // Posters spend the image CDN's budget: not for anonymous callers.
            "GET /api/images/anime/{aid}": .viewer,
            "GET /api/library": .viewer,
            "GET /api/library/files/{id}": .viewer,
            "GET /api/library/missing-sequels": .viewer,
            "GET /api/library/franchises": .viewer,
            "GET /api/kometa/collections.yml": .viewer,
            "GET /api/matches": .viewer,
            "GET /api/stream/{fileId}": .viewer,
            // Direct play: the original file with ranges, and a series as an M3U of signed /raw links.
            "GET /api/files/{fileId}/raw": .viewer,
            "GET /api/series/{aid}/playlist.m3u": .viewer,

            "POST /api/library/scan": .admin,
            "PUT /api/users/{id}": .admin,
            "POST /api/invites": .admin,
            "GET /api/invites": .admin,
            "DELETE /api/invites/{id}": .admin,
            // Sonarr's and Radarr's webhooks: an admin's API key (Basic with the key as the password works).
            "POST /api/hooks/sonarr": .admin,
            "POST /api/hooks/radarr": .admin,
            // Hand a missing anime to Sonarr or Radarr.
            "POST /api/anime/{aid}/sonarr": .admin,
            "POST /api/anime/{aid}/radarr": .admin,
            "GET /api/jobs/{id}": .admin,
            "GET /api/jobs/{id}/events": .admin,
            "POST /api/matches/auto": .admin,
            "GET /api/matches/{seriesId}/candidates": .admin,
            "POST /api/matches/{seriesId}": .admin,
            "DELETE /api/matches/{seriesId}": .admin,
            "POST /api/matches/files/{fileId}": .admin,
            "DELETE /api/matches/files/{fileId}": .admin,
            "GET /metrics": .admin,
            "GET /api/mirror/upstream": .admin,
            "GET /api/mirror/status": .admin,
            "GET /api/attention": .admin,
            "GET /api/jobs": .admin,
            "GET /api/library/folders": .admin,
            "GET /api/users": .admin,
            "POST /api/users": .admin,
            "DELETE /api/users/{id}": .admin,
            "POST /api/users/{id}/role": .admin,

            "GET /hls/{token}/{fileId}/master.m3u8": .signedLink,
            "GET /raw/{token}/{fileId}/{name}": .signedLink,
            "GET /hls/{token}/{fileId}/{rendition}/index.m3u8": .signedLink,
            "GET /hls/{token}/{fileId}/trickplay/index.vtt": .signedLink,
            "GET /hls/{token}/{fileId}/trickplay/{sheet}": .signedLink,
            "GET /hls/{token}/{fileId}/{rendition}/{segment}": .signedLink,
        ]
        // The web app's pages: the shell loads for anyone; its data comes from the routes above.
        for page in WebRoutes<AppRequestContext>.pages { table["GET \(page)"] = .open }
        // The Kometa dialect, at the root and under /anidb-service (AniDB-Service's own prefix).
        for prefix in ["", "/anidb-service"] {
            for path in ["/anime/{aid}", "/tags/{tag_id}", "/search/tags", "/stats"] {
                table["GET \(prefix)\(path)"] = .mirror
            }
        }
        return table
    }()

    /// The policy of a matched route; nil for one missing from the table (refused as admin-only, and a test fails).
    static func of(method: HTTPRequest.Method, endpoint: String) -> RoutePolicy? {
        table["\(method.rawValue) \(endpoint)"]
    }
}
