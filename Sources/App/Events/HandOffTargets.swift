import Numbering

/// Which program an admin can hand a missing anime to, for the *Send to Sonarr/Radarr* buttons: Sonarr for an anime
/// the mapping puts in a TVDB series, Radarr for a TMDB film; nil when that program is not set up or the mapping
/// has no place for it.
struct HandOffTargets: Sendable {
    var sonarr = false
    var radarr = false

    func target(of aid: Int, in mapping: CommunityMapping) -> String? {
        guard let entry = mapping.entries[aid] else { return nil }
        if radarr, !entry.tmdbMovies.isEmpty, entry.tvdb.id == nil || entry.tvdbSeason == .number(0) { return "radarr" }
        if sonarr, entry.tvdb.id != nil { return "sonarr" }
        if radarr, !entry.tmdbMovies.isEmpty { return "radarr" }
        return nil
    }
}
