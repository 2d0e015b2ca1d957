import Foundation

/// The HLS master playlist: the video variants (one when copied; a ladder of heights when transcoded), an audio
/// rendition per audio track and a WebVTT rendition per text subtitle track, each named by language so a player's
/// track menu reads well. Written to RFC 8216 and Apple's HLS authoring rules: `CODECS`, `RESOLUTION`, `FRAME-RATE`,
/// `AVERAGE-BANDWIDTH` on every variant, `CHANNELS` on every audio rendition, one audio group for all variants.
public enum MasterPlaylist {
    public static func make(info: MediaInfo, decision: StreamDecision, client: ClientProfile = ClientProfile()) -> String {
        var lines = ["#EXTM3U", "#EXT-X-VERSION:4", "#EXT-X-INDEPENDENT-SEGMENTS"]
        let chosenAudio = client.audioTrack.flatMap { info.audio.indices.contains($0) ? $0 : nil }
        let defaultAudio = chosenAudio ?? info.audio.firstIndex(where: \.isDefault) ?? 0
        // The default first: a player that takes the first rendition of a group (Chromium's) then plays the chosen one.
        let audioOrder = info.audio.indices.sorted { ($0 == defaultAudio ? 0 : 1, $0) < ($1 == defaultAudio ? 0 : 1, $1) }
        for track in audioOrder {
            let audio = info.audio[track]
            let channels = decision.copyAudio[track] ? audio.channels : min(2, max(1, audio.channels))
            var attributes = [
                "TYPE=AUDIO", "GROUP-ID=\"audio\"", "NAME=\(quoted(name(audio.language, audio.title, track: track, kind: "Audio")))",
            ]
            // Apple asks for a LANGUAGE on every rendition: "und" (undetermined, RFC 5646) when the file says none.
            attributes.append("LANGUAGE=\(quoted(audio.language ?? "und"))")
            attributes += [
                "DEFAULT=\(track == defaultAudio ? "YES" : "NO")", "AUTOSELECT=YES", "CHANNELS=\"\(channels)\"",
                "URI=\"\(Rendition.audio(track))/index.m3u8\"",
            ]
            lines.append("#EXT-X-MEDIA:" + attributes.joined(separator: ","))
        }
        let textTracks = info.subtitles.enumerated().filter { $0.element.isText }
        let subtitleNames = Self.subtitleNames(info.subtitles)
        for (track, subtitle) in textTracks {
            let isDefault = track == client.subtitleTrack
            var attributes = ["TYPE=SUBTITLES", "GROUP-ID=\"subs\"", "NAME=\(quoted(subtitleNames[track]))"]
            attributes.append("LANGUAGE=\(quoted(subtitle.language ?? "und"))")
            attributes += [
                "DEFAULT=\(isDefault ? "YES" : "NO")", "AUTOSELECT=YES", "FORCED=NO",
                "URI=\"\(Rendition.subtitles(track))/index.m3u8\"",
            ]
            lines.append("#EXT-X-MEDIA:" + attributes.joined(separator: ","))
        }
        var audioCodec: String?
        if !info.audio.isEmpty {
            let copied = decision.copyAudio[defaultAudio]
            audioCodec = info.audio[defaultAudio].codec == "mp3" && copied ? "mp4a.40.34" : "mp4a.40.2"
        }
        // A copied file's bit rate already holds its audio; a transcoded variant adds the audio rendition's.
        let audioBitRate = decision.video == .copy || info.audio.isEmpty ? 0 : 192_000
        for variant in variants(info: info, decision: decision) {
            let codecs = [variant.codec] + (audioCodec.map { [$0] } ?? [])
            var stream = [
                "BANDWIDTH=\(variant.peak + audioBitRate)", "AVERAGE-BANDWIDTH=\(variant.average + audioBitRate)",
                "CODECS=\"\(codecs.joined(separator: ","))\"",
            ]
            if variant.width > 0 && variant.height > 0 { stream.append("RESOLUTION=\(variant.width)x\(variant.height)") }
            if let rate = info.video?.frameRate, rate > 0 { stream.append("FRAME-RATE=" + String(format3(rate))) }
            if !info.audio.isEmpty { stream.append("AUDIO=\"audio\"") }
            if !textTracks.isEmpty { stream.append("SUBTITLES=\"subs\"") }
            lines.append("#EXT-X-STREAM-INF:" + stream.joined(separator: ","))
            lines.append("\(Rendition.video(variant.output))/index.m3u8")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    struct Variant {
        var output: VideoOutput
        var codec: String
        var width: Int
        var height: Int
        var average: Int
        var peak: Int
    }

    /// The copied video as it is, or each transcoded height with the bit rate its encoder is capped at.
    static func variants(info: MediaInfo, decision: StreamDecision) -> [Variant] {
        let sourceWidth = info.video?.width ?? 0
        let sourceHeight = info.video?.height ?? 0
        guard case .h264(_, let burn) = decision.video else {
            let average = max(info.bitRate, 500_000)
            let codec = info.video.map { avc1(profile: $0.profile, level: $0.level) } ?? "avc1.640028"
            return [Variant(output: .copy, codec: codec, width: sourceWidth, height: sourceHeight, average: average, peak: average * 12 / 10)]
        }
        return decision.ladder.map { height in
            let width = sourceHeight > 0 ? (sourceWidth * height / sourceHeight + 1) / 2 * 2 : 0
            let cap = TranscodeArguments.maxBitRate(height: height)
            return Variant(
                output: .h264(height: height, burnSubtitle: burn),
                codec: avc1(profile: "High", level: level(height: height)),
                width: width,
                height: height,
                average: cap * 7 / 10,
                peak: cap
            )
        }
    }

    /// The H.264 level a transcoded height needs at up to 30 frames a second (4.0 up to 1080p, 3.1 for 720p, 3.0 below).
    static func level(height: Int) -> Int {
        height > 720 ? 40 : height > 576 ? 31 : 30
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

    /// Each subtitle track's name for a menu: `English — Full`, `English — Signs & Songs (styled)`. Two tracks that
    /// would read alike (two full English tracks) add their titles, or their numbers.
    public static func subtitleNames(_ tracks: [MediaInfo.Subtitle]) -> [String] {
        func base(_ track: MediaInfo.Subtitle, _ position: Int) -> String {
            let language = track.language.flatMap { $0 == "und" ? nil : (LanguageCodes.name($0) ?? $0) }
            let kind = track.kind == .signs ? "Signs & Songs" : "Full"
            let lead = language ?? track.title ?? "Subtitles \(position + 1)"
            return "\(lead) — \(kind)" + (track.styled ? " (styled)" : "")
        }
        let bases = tracks.enumerated().map { base($0.element, $0.offset) }
        // Only text tracks share a menu; bitmap ones are named apart by the player.
        let textNames = tracks.indices.filter { tracks[$0].isText }.map { bases[$0] }
        var names = bases
        for (position, name) in bases.enumerated() where tracks[position].isText && textNames.filter({ $0 == name }).count > 1 {
            let title = tracks[position].title?.trimmingCharacters(in: .whitespaces) ?? ""
            let telling = !title.isEmpty && !name.lowercased().contains(title.lowercased())
            names[position] = name + " · " + (telling ? String(title.prefix(60)) : "track \(position + 1)")
        }
        return names
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
