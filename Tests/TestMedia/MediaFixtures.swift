public import Foundation

/// Short media made with ffmpeg's lavfi sources, once per test run, in a temporary folder.
public enum MediaFixtures {
    /// An ASS script whose cues the subtitle tests look for, at known times.
    public static let assScript = """
        [Script Info]
        ScriptType: v4.00+
        PlayResX: 640
        PlayResY: 360

        [V4+ Styles]
        Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
        Style: Default,Arial,28,&H00FFFFFF,&H000000FF,&H00000000,&H64000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1

        [Events]
        Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text
        Dialogue: 0,0:00:01.50,0:00:03.25,Default,,0,0,0,,First line
        Dialogue: 0,0:00:07.10,0:00:09.00,Default,,0,0,0,,Across a boundary
        Dialogue: 0,0:00:13.40,0:00:14.90,Default,,0,0,0,,Third line

        """

    /// An SRT file, muxed into the H.264 fixture as its subtitle track.
    public static let srtScript = """
        1
        00:00:02,000 --> 00:00:04,500
        Hello from SRT

        2
        00:00:10,250 --> 00:00:12,000
        Second SRT line

        """

    /// Cue (start, end, text) of `srtScript`.
    public static let srtCues: [(Double, Double, String)] = [(2, 4.5, "Hello from SRT"), (10.25, 12, "Second SRT line")]

    /// Cue (start, end, text) of `assScript`.
    public static let assCues: [(Double, Double, String)] = [
        (1.5, 3.25, "First line"), (7.1, 9.0, "Across a boundary"), (13.4, 14.9, "Third line"),
    ]

    public static let directory: String = {
        let path = NSTemporaryDirectory() + "anikura-media-\(getpid())"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }()

    /// 30 s of 640x360 H.264 (High, 8-bit, B-frames, a keyframe every 2 s) with mono AAC (Japanese) and an SRT
    /// track (English), in Matroska with Cues.
    public static var h264: String {
        get async {
            await made.file("h264.mkv") { output in
                let srt = directory + "/cues.srt"
                try? srtScript.write(toFile: srt, atomically: true, encoding: .utf8)
                await ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-f", "lavfi", "-i",
                    "sine=frequency=440:sample_rate=48000", "-i", srt, "-t", "30", "-map", "0:v", "-map", "1:a", "-map",
                    "2:s", "-c:s", "srt", "-metadata:s:s:0", "language=eng", "-c:v", "libx264",
                    "-preset", "veryfast", "-g", "48", "-keyint_min", "48", "-sc_threshold", "0", "-c:a", "aac", "-b:a",
                    "96k", "-metadata:s:a:0", "language=jpn", output,
                ])
            }
        }
    }

    /// 24 s of 640x360 H.264 with two B-frames between references and a keyframe every 2 s, two AAC tracks (Japanese
    /// at 440 Hz, English at 660 Hz) and the SRT track (English): what the player is tested with in both engines.
    public static var dualAudio: String {
        get async {
            await made.file("dual-audio.mkv") { output in
                let srt = directory + "/dual-cues.srt"
                try? srtScript.write(toFile: srt, atomically: true, encoding: .utf8)
                await ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000",
                    "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000", "-i", srt, "-t", "24", "-map", "0:v", "-map", "1:a",
                    "-map", "2:a", "-map", "3:s", "-c:v", "libx264", "-preset", "veryfast", "-bf", "2", "-g", "48", "-keyint_min", "48",
                    "-sc_threshold", "0", "-c:a", "aac", "-b:a", "96k", "-metadata:s:a:0", "language=jpn", "-metadata:s:a:1",
                    "language=eng", "-c:s", "srt", "-metadata:s:s:0", "language=eng", output,
                ])
            }
        }
    }

    /// 16 s of 10-bit HEVC with FLAC audio and an ASS subtitle track, in Matroska.
    public static var hevc: String {
        get async {
            await made.file("hevc.mkv") { output in
                let ass = directory + "/cues.ass"
                try? assScript.write(toFile: ass, atomically: true, encoding: .utf8)
                await ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-f", "lavfi", "-i",
                    "sine=frequency=330:sample_rate=48000", "-i", ass, "-t", "16", "-map", "0:v", "-map", "1:a", "-map",
                    "2:s", "-c:v", "libx265", "-preset", "ultrafast", "-pix_fmt", "yuv420p10le", "-x265-params",
                    "log-level=error:keyint=48", "-c:a", "flac", "-c:s", "ass", "-metadata:s:s:0", "language=eng",
                    "-metadata:s:s:0", "title=Full subtitles", output,
                ])
            }
        }
    }

    /// When the PGS fixture shows its white box (start, end in seconds): the second runs across the 6 s segment boundary.
    public static let pgsCues: [(Double, Double)] = [(2, 4), (5, 8)]
    /// Where the box is, in the 640x360 picture: x, y, width, height.
    public static let pgsBox = (x: 220, y: 280, width: 200, height: 60)

    /// The 10-bit HEVC fixture's picture with a PGS (Blu-ray) subtitle track that shows a white box during `pgsCues`.
    /// ffmpeg has no PGS encoder, so the display sets are written here, byte by byte.
    public static var hevcWithPGS: String {
        get async {
            let video = await hevc
            return await made.file("hevc-pgs.mkv") { output in
                let sup = directory + "/box.sup"
                FileManager.default.createFile(atPath: sup, contents: PGSWriter.box(cues: pgsCues, box: pgsBox))
                await ffmpeg([
                    "-i", video, "-copyts", "-i", sup, "-map", "0:v", "-map", "0:a", "-map", "1", "-c", "copy",
                    "-metadata:s:s:0", "language=eng", output,
                ])
            }
        }
    }

    /// 20 s of H.264/AAC Matroska written to a pipe, so it has no Cues (no index).
    public static var unindexed: String {
        get async {
            await made.file("unindexed.mkv") { output in
                await runData(
                    "/bin/sh",
                    [
                        "-c",
                        "ffmpeg -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=320x240:rate=25 -f lavfi -i sine "
                            + "-t 20 -c:v libx264 -preset ultrafast -g 50 -c:a aac -f matroska - > '\(output)'",
                    ]
                )
            }
        }
    }

    private static let made = Made()

    /// Each fixture made once. Its maker awaits ffmpeg rather than blocking, so waiting tests hold no thread of
    /// Swift's concurrency pool (two on this machine), which the server under test needs to answer.
    private actor Made {
        private var files: [String: Task<String, Never>] = [:]

        func file(_ name: String, _ make: @escaping @Sendable (String) async -> Void) async -> String {
            if let task = files[name] { return await task.value }
            let task = Task<String, Never> {
                let output = MediaFixtures.directory + "/" + name
                if !FileManager.default.fileExists(atPath: output) {
                    await make(output + ".part.mkv")
                    _ = rename(output + ".part.mkv", output)
                }
                return output
            }
            files[name] = task
            return await task.value
        }
    }

    private static func ffmpeg(_ arguments: [String]) async {
        await runData("/usr/bin/env", ["ffmpeg", "-hide_banner", "-loglevel", "error", "-y"] + arguments)
    }

    /// Runs a program to the end and returns what it wrote to standard output (as text).
    @discardableResult
    public static func run(_ executable: String, _ arguments: [String]) async -> String {
        String(decoding: await runData(executable, arguments), as: UTF8.self)
    }

    /// Runs a program to the end and returns what it wrote to standard output; a fixture that cannot be made stops
    /// the run with the program's own words.
    @discardableResult
    public static func runData(_ executable: String, _ arguments: [String]) async -> Data {
        do {
            let finished = try await ChildProcess.run(executable, arguments)
            precondition(finished.status == 0, "\(executable) \(arguments) failed: \(finished.standardError)")
            return finished.standardOutput
        } catch {
            preconditionFailure("cannot run \(executable): \(error)")
        }
    }

    /// What ffmpeg says while decoding every stream of `input` to nothing: empty when it decodes cleanly.
    /// (Frames keep the demuxer's time base, so millisecond-rounded source timestamps raise no warnings.)
    public static func decodeErrors(_ input: String) async -> String {
        let arguments = ["ffmpeg", "-v", "error", "-i", input, "-map", "0", "-enc_time_base", "-1", "-f", "null", "-"]
        do {
            let finished = try await ChildProcess.run("/usr/bin/env", arguments)
            return finished.status == 0 ? finished.standardError : "exit \(finished.status): " + finished.standardError
        } catch {
            return "cannot run ffmpeg: \(error)"
        }
    }

    /// Every packet of a file as ffprobe sees it: (stream index, pts seconds, keyframe).
    public static func packets(_ path: String) async -> [(stream: Int, pts: Double, key: Bool)] {
        let text = await run(
            "/usr/bin/env",
            ["ffprobe", "-v", "error", "-show_entries", "packet=stream_index,pts_time,flags", "-of", "csv=p=0", path]
        )
        return text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: ",", omittingEmptySubsequences: false)
            guard fields.count >= 3, let stream = Int(fields[0]), let pts = Double(fields[1]) else { return nil }
            return (stream, pts, fields[2].contains("K"))
        }
    }
}
