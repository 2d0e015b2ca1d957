/// How one viewer likes to watch: the languages that decide a stream's default audio and subtitle tracks, whether
/// subtitles are drawn as text or burnt in with their styling, and what the player does at an opening or ending.
/// Language codes are stored as ISO 639-2/T (`jpn`, `eng`, `deu`), the form the routes make of what was sent.
public struct ViewerPreferences: Codable, Sendable, Equatable {
    /// How subtitles are shown by default: WebVTT text the browser draws, or burnt in with libass (the typesetting
    /// and fonts of a styled track as its makers meant them, at the cost of transcoding).
    public enum SubtitleStyle: String, Codable, Sendable, CaseIterable {
        case text
        case styled
    }

    /// What the player does inside an opening, ending or recap.
    public enum SkipMode: String, Codable, Sendable, CaseIterable {
        /// Shows a Skip button.
        case ask
        /// Skips at once, except on an anime's first episode (whose opening people want to see once).
        case auto
        /// Shows nothing.
        case never
    }

    /// Audio languages in order of preference; empty: the file's own default track.
    public var audioLanguages: [String]
    /// Subtitle languages in order of preference; empty: no subtitles by default.
    public var subtitleLanguages: [String]
    public var subtitleStyle: SubtitleStyle
    public var skip: SkipMode

    public init(
        audioLanguages: [String] = [],
        subtitleLanguages: [String] = [],
        subtitleStyle: SubtitleStyle = .text,
        skip: SkipMode = .ask
    ) {
        self.audioLanguages = audioLanguages
        self.subtitleLanguages = subtitleLanguages
        self.subtitleStyle = subtitleStyle
        self.skip = skip
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case audioLanguages = "audio_languages"
        case subtitleLanguages = "subtitle_languages"
        case subtitleStyle = "subtitle_style"
        case skip
    }
}
