/// The HLS master playlist: one video variant, an audio rendition per audio track and a WebVTT rendition per
/// text subtitle track, each named by language so a player's track menu reads well.
public enum MasterPlaylist {
    public static func make(info: MediaInfo, decision: StreamDecision) -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-INDEPENDENT-SEGMENTS"]
        let defaultAudio = info.audio.firstIndex(where: \.isDefault) ?? 0
        for (track, audio) in info.audio.enumerated() {
            let channels = decision.copyAudio[track] ? audio.channels : min(2, max(1, audio.channels))
            var attributes = [
                "TYPE=AUDIO", "GROUP-ID=\"audio\"", "NAME=\(quoted(name(audio.language, audio.title, track: track, kind: "Audio")))",
            ]
            if let language = audio.language { attributes.append("LANGUAGE=\(quoted(language))") }
            attributes += [
                "DEFAULT=\(track == defaultAudio ? "YES" : "NO")", "AUTOSELECT=YES", "CHANNELS=\"\(channels)\"",
                "URI=\"\(Rendition.audio(track))/index.m3u8\"",
            ]
            lines.append("#EXT-X-MEDIA:" + attributes.joined(separator: ","))
        }
        let textTracks = info.subtitles.enumerated().filter { $0.element.isText }
        for (track, subtitle) in textTracks {
            var attributes = [
                "TYPE=SUBTITLES", "GROUP-ID=\"subs\"",
                "NAME=\(quoted(name(subtitle.language, subtitle.title, track: track, kind: "Subtitles")))",
            ]
            if let language = subtitle.language { attributes.append("LANGUAGE=\(quoted(language))") }
            attributes += [
                "DEFAULT=NO", "AUTOSELECT=YES", "FORCED=NO", "URI=\"\(Rendition.subtitles(track))/index.m3u8\"",
            ]
            lines.append("#EXT-X-MEDIA:" + attributes.joined(separator: ","))
        }
        var width = info.video?.width ?? 0
        var height = info.video?.height ?? 0
        var videoCodec = "avc1.640028"
        if case .h264(let target, _) = decision.video {
            if height > 0 { width = (width * target / height + 1) / 2 * 2 }
            height = target
        } else if let video = info.video {
            videoCodec = avc1(profile: video.profile, level: video.level)
        }
        var codecs = [videoCodec]
        if let first = info.audio.first {
            codecs.append(first.codec == "mp3" && decision.copyAudio[0] ? "mp4a.40.34" : "mp4a.40.2")
        }
        let bandwidth = max(info.bitRate, 500_000)
        var stream = [
            "BANDWIDTH=\(bandwidth * 12 / 10)", "AVERAGE-BANDWIDTH=\(bandwidth)", "CODECS=\"\(codecs.joined(separator: ","))\"",
        ]
        if width > 0 && height > 0 { stream.append("RESOLUTION=\(width)x\(height)") }
        if let rate = info.video?.frameRate, rate > 0 { stream.append("FRAME-RATE=" + String(format3(rate))) }
        if !info.audio.isEmpty { stream.append("AUDIO=\"audio\"") }
        if !textTracks.isEmpty { stream.append("SUBTITLES=\"subs\"") }
        lines.append("#EXT-X-STREAM-INF:" + stream.joined(separator: ","))
        lines.append("\(Rendition.video(decision.video))/index.m3u8")
        return lines.joined(separator: "\n") + "\n"
    }

    /// RFC 6381 `avc1.PPCCLL` for an H.264 profile name and level.
    static func avc1(profile: String?, level: Int) -> String {
        let (idc, constraints): (Int, Int) =
            switch profile {
            case "Baseline": (66, 0)
            case "Constrained Baseline": (66, 0x40)
            case "Main": (77, 0)
            case "Extended": (88, 0)
            default: (100, 0)
            }
        return "avc1." + hex(idc) + hex(constraints) + hex(level > 0 ? level : 40)
    }

    static func hex(_ value: Int) -> String {
        let digits = Array("0123456789abcdef")
        return String([digits[(value >> 4) & 15], digits[value & 15]])
    }

    static func format3(_ value: Double) -> String {
        let millis = Int((value * 1000).rounded())
        let fraction = String(millis % 1000)
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }

    /// `Japanese`, `English – Signs`, `Audio 2`.
    static func name(_ language: String?, _ title: String?, track: Int, kind: String) -> String {
        let languageName = language.map { Self.languageNames[$0.lowercased()] ?? $0 }
        switch (languageName, title) {
        case (let language?, let title?): return "\(language) – \(title)"
        case (let language?, nil): return language
        case (nil, let title?): return title
        case (nil, nil): return "\(kind) \(track + 1)"
        }
    }

    /// A quoted-string attribute: HLS allows no double quote or line break inside.
    static func quoted(_ text: String) -> String {
        "\"" + text.filter { $0 != "\"" && !$0.isNewline } + "\""
    }

    /// ISO 639-2 codes seen in anime releases.
    static let languageNames: [String: String] = [
        "jpn": "Japanese", "ja": "Japanese", "eng": "English", "en": "English", "ger": "German", "deu": "German",
        "fre": "French", "fra": "French", "spa": "Spanish", "ita": "Italian", "por": "Portuguese", "rus": "Russian",
        "chi": "Chinese", "zho": "Chinese", "kor": "Korean", "ara": "Arabic", "pol": "Polish", "tur": "Turkish",
        "dut": "Dutch", "nld": "Dutch", "swe": "Swedish", "fin": "Finnish", "nor": "Norwegian", "dan": "Danish",
        "hun": "Hungarian", "cze": "Czech", "ces": "Czech", "tha": "Thai", "vie": "Vietnamese", "ind": "Indonesian",
        "may": "Malay", "msa": "Malay", "heb": "Hebrew", "gre": "Greek", "ell": "Greek", "ukr": "Ukrainian",
        "und": "Undetermined",
    ]
}
