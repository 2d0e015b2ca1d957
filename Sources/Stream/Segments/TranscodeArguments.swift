/// The ffmpeg command lines for transcoded segments and subtitle extraction.
///
/// Each transcoded segment is its own run: an accurate input seek to the segment's start (ffmpeg decodes
/// from the keyframe before and drops what comes earlier), exactly the segment's duration, and output
/// timestamps moved onto the stream's timeline. The encoder starts each segment with a keyframe, so keyframes
/// sit on the grid and a segment is the same whether it was made in order or after a seek.
public struct TranscodeArguments: Sendable {
    /// libx264 preset for segments made ahead of the player.
    public var preset: String
    /// libx264 preset for a segment a player is waiting for (the first one, or the first after a seek): speed
    /// first, so playback starts within seconds even on two cores; the segments after it get `preset`.
    public var startPreset: String
    public var crf: Int
    public var audioBitrate: String

    public init(preset: String = "veryfast", startPreset: String = "ultrafast", crf: Int = 22, audioBitrate: String = "192k") {
        self.preset = preset
        self.startPreset = startPreset
        self.crf = crf
        self.audioBitrate = audioBitrate
    }

    /// A subtitle track drawn into the picture.
    public enum Burn: Sendable, Equatable {
        /// A text track (by position among the subtitle tracks) drawn with libass from `subtitleFile`, a plain-named
        /// link to the source, so the filter graph needs no escaping of the user's path.
        case text(track: Int, subtitleFile: String)
        /// A bitmap track (PGS, VobSub, DVB; by container stream index) laid over the picture, scaled to it.
        case bitmap(streamIndex: Int)
    }

    /// H.264 video at `height`, optionally with a subtitle track burnt in.
    public func video(
        input: String,
        streamIndex: Int,
        start: Double,
        duration: Double,
        height: Int,
        burn: Burn?,
        urgent: Bool,
        output: String,
        sourceStart: Double = 0
    ) -> [String] {
        let scale = urgent ? "scale=-2:\(height):flags=fast_bilinear" : "scale=-2:\(height)"
        let encoder = [
            "-c:v", "libx264", "-preset", urgent ? startPreset : preset, "-crf", "\(crf)", "-profile:v", "high",
            "-force_key_frames", "expr:eq(n,0)", "-maxrate", "\(Self.maxBitRate(height: height) / 1000)k",
            "-bufsize", "\(Self.maxBitRate(height: height) / 500)k",
        ]
        if case .bitmap(let subtitleIndex) = burn {
            // A picture shows until the next one replaces it, so the one on screen at `start` may have come long before:
            // the subtitles are read from a minute earlier as a second input, and both keep the file's own times
            // (-copyts) so the overlay pairs each frame with the picture showing then.
            let lead = max(0, start - 60)
            return [
                "-copyts", "-ss", seconds(start), "-t", seconds(duration), "-i", input, "-ss", seconds(lead), "-i", input,
                "-filter_complex",
                "[1:\(subtitleIndex)][0:\(streamIndex)]scale2ref=w=main_w:h=main_h[sub][base];"
                    + "[base][sub]overlay=eof_action=pass:shortest=1,\(scale),format=yuv420p[video]",
                "-map", "[video]", "-an", "-sn", "-dn",
            ] + encoder + [
                "-f", "mpegts", "-muxdelay", "0", "-muxpreload", "0", "-output_ts_offset",
                seconds(HLSTimeline.offset - sourceStart), output,
            ]
        }
        var filters: [String] = []
        if case .text(let track, let subtitleFile) = burn {
            // libass needs the file's own times: shift to them, draw, shift back.
            filters += [
                "setpts=PTS+\(seconds(start))/TB", "subtitles=filename=\(Self.escapeFilterValue(subtitleFile)):si=\(track)",
                "setpts=PTS-STARTPTS",
            ]
        }
        filters += [scale, "format=yuv420p"]
        return seek(input, start, duration) + ["-map", "0:\(streamIndex)", "-an", "-sn", "-dn", "-vf", filters.joined(separator: ",")]
            + encoder + timeline(start, output)
    }

    /// The bit rate a transcoded height is capped at (`-maxrate`), which the master playlist announces as its
    /// `BANDWIDTH`: what lets a player on a slow link step down to a smaller variant.
    public static func maxBitRate(height: Int) -> Int {
        switch height {
        case 1081...: 12_000_000
        case 721...: 6_000_000
        case 481...: 3_000_000
        case 361...: 1_500_000
        default: 1_000_000
        }
    }

    /// Stereo AAC from any audio codec.
    public func audio(input: String, streamIndex: Int, start: Double, duration: Double, output: String) -> [String] {
        seek(input, start, duration) + [
            "-map", "0:\(streamIndex)", "-vn", "-sn", "-dn", "-c:a", "aac", "-b:a", audioBitrate, "-ac", "2",
        ] + timeline(start, output)
    }

    /// A whole text subtitle track as WebVTT, times from the file's start.
    public func webVTT(input: String, streamIndex: Int, output: String) -> [String] {
        ["-i", input, "-map", "0:\(streamIndex)", "-c:s", "webvtt", "-f", "webvtt", output]
    }

    private func seek(_ input: String, _ start: Double, _ duration: Double) -> [String] {
        ["-ss", seconds(start), "-i", input, "-t", seconds(duration)]
    }

    private func timeline(_ start: Double, _ output: String) -> [String] {
        [
            "-f", "mpegts", "-muxdelay", "0", "-muxpreload", "0", "-output_ts_offset", seconds(start + HLSTimeline.offset),
            output,
        ]
    }

    private func seconds(_ value: Double) -> String {
        let micros = Int64((value * 1_000_000).rounded())
        let fraction = String(micros % 1_000_000)
        return "\(micros / 1_000_000)." + String(repeating: "0", count: 6 - fraction.count) + fraction
    }

    /// Escapes a filter option value, then the filter graph around it (ffmpeg-filters(1), "Notes on filtergraph escaping").
    static func escapeFilterValue(_ value: String) -> String {
        var option = ""
        for character in value {
            if "\\':".contains(character) { option.append("\\") }
            option.append(character)
        }
        var graph = ""
        for character in option {
            if "\\'[],;".contains(character) { graph.append("\\") }
            graph.append(character)
        }
        return graph
    }
}
