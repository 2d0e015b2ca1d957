import Mirror

/// What the mirror's routes need, passed in so tests can give a fake clock, an in-memory store and a fake AniDB.
struct MirrorRouteContext: Sendable {
    var store: MirrorStore
    var fetcher: Fetcher
    var metrics: MirrorMetrics
    var clock: any MirrorClock
    /// How long `/httpapi` holds a request for an aid being fetched.
    var httpapiWaitSeconds: Double
    /// How long a Kometa-dialect request for a missing aid is held when it sends no `?wait=` (Kometa never does):
    /// a fetch that can start within it answers 200 instead of 202.
    var clientWaitSeconds: Double = 0
    /// The most a Kometa-dialect client may ask to wait (`?wait=`).
    var maxClientWaitSeconds: Double = 60
    /// The community mapping, for the ids `/api/anime/{aid}` carries; nil leaves them out.
    var mappingFiles: MappingFiles? = nil

    func now() -> Double { clock.now() }
}
