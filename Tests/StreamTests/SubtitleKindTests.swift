import Testing

@testable import Stream

/// Telling full subtitles from signs and songs, plain text from typesetting, and choosing a viewer's tracks.
@Suite("subtitle kinds and track defaults")
struct SubtitleKindTests {
    /// Track titles as releases name them (SubsPlease, Erai-raws, GJM, Commie, BD remuxes), and what they are.
    @Test(
        "a track's kind from its title, its forced flag, or how few events it has",
        arguments: [
            ("Signs & Songs", false, 300, SubtitleKind.signs),
            ("English [Signs/Songs]", false, 300, .signs),
            ("S&S", false, 300, .signs),
            ("Forced", false, 300, .signs),
            ("Songs only", false, 300, .signs),
            ("English (Full Subtitles)", false, 12, .full),
            ("Full Subs [Dialogue + Signs]", false, 300, .full),
            ("English", false, 300, .full),
            ("English", true, 300, .signs),
            ("English", false, 40, .signs),
            ("English", false, 80, .full),
        ] as [(String, Bool, Int, SubtitleKind)]
    )
    func kinds(title: String, forced: Bool, events: Int, expected: SubtitleKind) {
        // A 24-minute episode: fewer than 72 events is a signs track.
        #expect(SubtitleKind.of(title: title, forced: forced, events: events, duration: 1440) == expected)
    }

    @Test("few events in a short file (a trailer, a fixture) do not make a signs track; no count, no guess")
    func shortOrUnknown() {
        #expect(SubtitleKind.of(title: nil, forced: false, events: 3, duration: 30) == .full)
        #expect(SubtitleKind.of(title: nil, forced: false, events: nil, duration: 1440) == .full)
    }

    @Test(
        "typesetting tags: placed, moved, rotated, clipped, drawn, karaoke; not fades, colours, sizes or alignment",
        arguments: [
            (#"{\pos(320,100)}Sign"#, true), (#"{\an8\move(10,10,200,10)}Tokyo"#, true), (#"{\frz-12.5}Tilted"#, true),
            (#"{\fr20}x"#, true), (#"{\org(1,1)\frx10}x"#, true), (#"{\clip(0,0,10,10)}x"#, true), (#"{\iclip(1,2,3,4)}x"#, true),
            (#"{\p1}m 0 0 l 10 0 10 10"#, true), (#"{\k40}Ha{\k40}ji"#, true), (#"{\kf25}a"#, true), (#"{\K30}a"#, true),
            (#"{\fad(200,200)}Hello"#, false), (#"{\an8}Top line"#, false), (#"{\i1}Italic{\i0}"#, false),
            (#"{\fs30\fnArial\1c&HFFFFFF&}Big"#, false), (#"{\p0}text"#, false), (#"{\fscx120}wide"#, false),
            ("No tags at all", false), (#"\pos(1,1) outside a block"#, false),
        ] as [(String, Bool)]
    )
    func typesetting(text: String, expected: Bool) {
        #expect(SubtitleSurvey.isTypeset(Substring(text)) == expected)
    }

    @Test("ISO 639 codes in every form are one language")
    func languages() {
        #expect(LanguageCodes.canonical("ja") == "jpn")
        #expect(LanguageCodes.canonical("JPN") == "jpn")
        #expect(LanguageCodes.canonical("ger") == "deu" && LanguageCodes.canonical("de") == "deu")
        #expect(LanguageCodes.canonical("xx") == nil && LanguageCodes.canonical("english") == nil)
        #expect(LanguageCodes.same("fre", "fra") && LanguageCodes.same("en", "eng") && !LanguageCodes.same("eng", "jpn"))
        #expect(LanguageCodes.name("chi") == "Chinese")
    }

    /// A dual-audio fansub: English dub (the file's default), Japanese; English full and English signs, German full.
    static let release = MediaInfo(
        container: "matroska,webm",
        duration: 1440,
        startTime: 0,
        bitRate: 4_000_000,
        video: .init(
            streamIndex: 0,
            codec: "h264",
            profile: "High",
            level: 40,
            bitDepth: 8,
            pixelFormat: "yuv420p",
            width: 1920,
            height: 1080,
            frameRate: 23.976
        ),
        audio: [
            .init(streamIndex: 1, codec: "aac", profile: "LC", channels: 2, sampleRate: 48000, language: "eng", title: nil, isDefault: true),
            .init(streamIndex: 2, codec: "aac", profile: "LC", channels: 2, sampleRate: 48000, language: "jpn", title: nil, isDefault: false),
        ],
        subtitles: [
            .init(streamIndex: 3, codec: "ass", language: "eng", title: "English", isDefault: true, isText: true, kind: .full, styled: true),
            .init(streamIndex: 4, codec: "ass", language: "eng", title: "Signs & Songs", isDefault: false, isText: true, kind: .signs, styled: true),
            .init(streamIndex: 5, codec: "hdmv_pgs_subtitle", language: "ger", title: nil, isDefault: false, isText: false),
            .init(streamIndex: 6, codec: "subrip", language: "ger", title: nil, isDefault: false, isText: true, kind: .full),
        ],
        keyframes: [0, 2, 4],
        keyframesFromIndex: true
    )

    @Test(
        "a viewer's languages choose the audio and subtitle tracks, and the master playlist marks them DEFAULT=YES",
        arguments: [
            // Japanese audio with English subtitles: the full English track.
            (["jpn"], ["eng"], 1 as Int?, 0 as Int?),
            // The English dub for an English speaker: only the signs track.
            (["eng"], ["eng"], 0, 1),
            // Japanese audio, no subtitles wanted.
            (["jpn"], [], 1, nil),
            // A German speaker: Japanese audio, the German text track (the PGS one cannot be a rendition).
            (["jpn"], ["de", "eng"], 1, 3),
            // An audio language the file does not have: its default, the English dub; the viewer reads English, so signs.
            (["fra"], ["spa", "eng"], nil, 1),
        ] as [([String], [String], Int?, Int?)]
    )
    func defaults(audio: [String], subtitles: [String], expectedAudio: Int?, expectedSubtitle: Int?) {
        let chosen = TrackDefaults(info: Self.release, audioLanguages: audio, subtitleLanguages: subtitles)
        #expect(chosen.audio == expectedAudio)
        #expect(chosen.subtitle == expectedSubtitle)
        let decision = StreamDecision(info: Self.release, client: .init(), transcodeHeight: 720)
        let playlist = MasterPlaylist.make(
            info: Self.release,
            decision: decision,
            client: .init(audioTrack: chosen.audio, subtitleTrack: chosen.subtitle)
        )
        let media = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-MEDIA:") }
        let defaults = media.filter { $0.contains("DEFAULT=YES") }.map { line in
            line.split(separator: ",").first { $0.hasPrefix("URI=") }.map { String($0.dropFirst(5).prefix(2)) } ?? ""
        }
        let audioTrack = "a\(expectedAudio ?? 0)"
        #expect(defaults == [audioTrack] + (expectedSubtitle.map { ["s\($0)"] } ?? []), "\(playlist)")
        #expect(media.filter { $0.contains("TYPE=SUBTITLES") }.allSatisfy { $0.contains("AUTOSELECT=YES") })
    }

    @Test("menu names say the kind and whether it is styled; two alike add their titles")
    func names() {
        #expect(
            MasterPlaylist.subtitleNames(Self.release.subtitles) == [
                "English — Full (styled)", "English — Signs & Songs (styled)", "German — Full", "German — Full",
            ]
        )
        let untitled = MediaInfo.Subtitle(streamIndex: 1, codec: "subrip", language: nil, title: nil, isDefault: false, isText: true)
        #expect(MasterPlaylist.subtitleNames([untitled]) == ["Subtitles 1 — Full"])
        var honorifics = Self.release.subtitles[0]
        honorifics.title = "Honorifics"
        var plain = Self.release.subtitles[0]
        plain.title = "English"
        #expect(
            MasterPlaylist.subtitleNames([honorifics, plain, untitled, untitled]) == [
                "English — Full (styled) · Honorifics", "English — Full (styled) · track 2", "Subtitles 3 — Full", "Subtitles 4 — Full",
            ]
        )
    }
}
