/// Which audio and subtitle tracks a stream starts with for a viewer's languages.
///
/// Audio: the first track in the first preferred language that the file has; otherwise the file's default. Subtitles,
/// when the viewer wants any: if the chosen audio is in one of the viewer's subtitle languages (a dub in their own
/// language), only that language's signs track (the signs and songs the dub leaves in Japanese); otherwise the full
/// track of the first subtitle language the file has.
public struct TrackDefaults: Sendable, Equatable {
    /// Position among the file's audio tracks; nil: the file's own default.
    public var audio: Int?
    /// Position among the file's subtitle tracks (always a text track); nil: none.
    public var subtitle: Int?

    public init(audio: Int?, subtitle: Int?) {
        self.audio = audio
        self.subtitle = subtitle
    }

    public init(info: MediaInfo, audioLanguages: [String], subtitleLanguages: [String]) {
        audio =
            audioLanguages.lazy.compactMap { wanted in
                info.audio.firstIndex { LanguageCodes.same($0.language, wanted) }
            }.first
        let playing = audio ?? info.audio.firstIndex(where: \.isDefault) ?? (info.audio.isEmpty ? nil : 0)
        let audioLanguage = playing.flatMap { info.audio[$0].language }
        let texts = info.subtitles.indices.filter { info.subtitles[$0].isText }
        func track(_ language: String, _ kind: SubtitleKind) -> Int? {
            texts.first { LanguageCodes.same(info.subtitles[$0].language, language) && info.subtitles[$0].kind == kind }
        }
        if let own = subtitleLanguages.first(where: { LanguageCodes.same($0, audioLanguage) }) {
            subtitle = track(own, .signs)
        } else {
            subtitle = subtitleLanguages.lazy.compactMap { track($0, .full) }.first
        }
    }
}
