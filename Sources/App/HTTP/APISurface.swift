/// Which of Anikura's APIs a path belongs to, decided here and nowhere else: the `api` label of the request metrics
/// (`MirrorMetrics.apis`) and the shape of its error bodies (Kometa's routes answer as AniDB-Service does, at the
/// root and under `/anidb-service`; everything else in Anikura's own shape).
enum APISurface: String, CaseIterable {
    case kometa, httpapi, native, app, hls, web

    static func of(_ path: String) -> APISurface {
        if path.hasPrefix("/anidb-service/") { return .kometa }
        if path.hasPrefix("/httpapi") { return .httpapi }
        if path.hasPrefix("/hls/") { return .hls }
        for prefix in ["/anime", "/tags", "/search", "/stats"] where path == prefix || path.hasPrefix(prefix + "/") {
            return .kometa
        }
        guard path.hasPrefix("/api/") else { return .web }
        let rest = path.dropFirst(5)
        for prefix in ["anime/", "search", "tags/", "stats", "anime-titles.xml.gz"] where rest.hasPrefix(prefix) {
            return .native
        }
        return .app
    }

    /// The body shape of an `APIError` answered on this surface.
    var errorDialect: APIError.Dialect { self == .kometa ? .kometa : .native }
}
