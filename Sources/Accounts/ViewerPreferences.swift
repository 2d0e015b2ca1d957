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
    /// 18+ titles (AniDB's restricted and adult anime) left out of everything this user browses and opens.
    public var hideRestricted: Bool
    /// Set by an admin (a parent for a child's account): the user cannot turn `hideRestricted` off.
    public var hideRestrictedByAdmin: Bool

    public init(
        audioLanguages: [String] = [],
        subtitleLanguages: [String] = [],
        subtitleStyle: SubtitleStyle = .text,
        skip: SkipMode = .ask,
        hideRestricted: Bool = false,
        hideRestrictedByAdmin: Bool = false
    ) {
        self.audioLanguages = audioLanguages
        self.subtitleLanguages = subtitleLanguages
        self.subtitleStyle = subtitleStyle
        self.skip = skip
        self.hideRestricted = hideRestricted
        self.hideRestrictedByAdmin = hideRestrictedByAdmin
    }

    public enum CodingKeys: String, CodingKey, CaseIterable {
        case audioLanguages = "audio_languages"
        case subtitleLanguages = "subtitle_languages"
        case subtitleStyle = "subtitle_style"
        case skip
        case hideRestricted = "hide_restricted"
        case hideRestrictedByAdmin = "hide_restricted_by_admin"
    }

    /// What was stored by an earlier version lacks the later keys: each missing one takes its default.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        audioLanguages = try container.decodeIfPresent([String].self, forKey: .audioLanguages) ?? []
        subtitleLanguages = try container.decodeIfPresent([String].self, forKey: .subtitleLanguages) ?? []
        subtitleStyle = try container.decodeIfPresent(SubtitleStyle.self, forKey: .subtitleStyle) ?? .text
        skip = try container.decodeIfPresent(SkipMode.self, forKey: .skip) ?? .ask
        hideRestricted = try container.decodeIfPresent(Bool.self, forKey: .hideRestricted) ?? false
        hideRestrictedByAdmin = try container.decodeIfPresent(Bool.self, forKey: .hideRestrictedByAdmin) ?? false
    }
}
