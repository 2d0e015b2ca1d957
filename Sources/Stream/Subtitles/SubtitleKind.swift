/// Whether a subtitle track carries everything said (`full`) or only the signs and songs a viewer who understands the
/// audio still needs (`signs`), as fansub and BD releases ship them side by side.
public enum SubtitleKind: String, Sendable, Codable, Equatable {
    case full
    case signs

    /// Tracks with fewer events than this a minute hold signs and songs: a dubbed or subtitled episode has
    /// 10–20 lines a minute, a signs track a handful.
    static let signsEventsPerMinute = 3.0

    /// The kind from what the file says about the track: its title first ("Signs & Songs", "S&S", "Forced"; a title
    /// naming it full or dialogue wins), then the forced flag, then how many events it holds for the running time.
    /// - Parameters:
    ///   - events: the track's number of events, when known.
    ///   - duration: the file's running time in seconds.
    public static func of(title: String?, forced: Bool, events: Int?, duration: Double) -> SubtitleKind {
        let words = (title ?? "").lowercased()
        if ["full", "dialog"].contains(where: words.contains) { return .full }
        if ["sign", "song", "s&s", "forced", "lyrics", "karaoke"].contains(where: words.contains) { return .signs }
        if forced { return .signs }
        if let events, duration >= 120, Double(events) < signsEventsPerMinute * duration / 60 { return .signs }
        return .full
    }
}
