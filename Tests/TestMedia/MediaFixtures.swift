public import Foundation

/// Short media made with ffmpeg's lavfi sources, once per test run, in a temporary folder.
public enum MediaFixtures {
    /// An ASS script whose cues the subtitle tests look for, at known times.
    public static let assScript =
        assHeader(styles: ["Default,Arial,28,&H00FFFFFF,&H000000FF,&H00000000,&H64000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1"])
            + """
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

    /// A font no system has installed (DejaVu Serif Bold Italic renamed, see Tests/Fixtures/fonts): what a fansub's
    /// signs ask for, found only among the file's attachments.
    public static let attachedFont = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/fonts/AnikuraTestFace.ttf").path
    public static let attachedFontFamily = "Anikura Test Face"

    /// Where the signs track shows its sign (ASS \\pos in the 640x360 picture, and the box around it), the whole file long.
    public static let signText = "ANIKURA"
    public static let signBox = (x: 150, y: 40, width: 340, height: 120)

    /// A fansub release as it ships: 30 s of 640x360 H.264 with Matroska chapters (Prologue, Opening, Part A, Ending,
    /// Preview), two audio tracks (an English dub first and default at 660 Hz, Japanese at 440 Hz), a full English ASS
    /// track (plain lines, one style) and an English "Signs & Songs" ASS track typeset with `\\pos` in the attached font
    /// `attachedFontFamily`, which is attached to the file.
    public static var fansub: String {
        get async {
            await made.file("fansub.mkv") { output in
                let full = directory + "/fansub-full.ass"
                let signs = directory + "/fansub-signs.ass"
                let chapters = directory + "/fansub-chapters.txt"
                let lines = (0..<14).map { n in
                    "Dialogue: 0,0:00:\(String(format: "%02d", n * 2 + 1)).00,0:00:\(String(format: "%02d", n * 2 + 2)).50,Default,,0,0,0,,Line \(n + 1) of the dialogue"
                }
                try?
                    (assHeader(styles: ["Default,DejaVu Sans,24,&H00FFFFFF,&H000000FF,&H00000000,&H64000000,0,0,0,0,100,100,0,0,1,2,0,2,10,10,10,1"])
                    + lines.joined(separator: "\n") + "\n").write(toFile: full, atomically: true, encoding: .utf8)
                let sign = "Sign,\(attachedFontFamily),72,&H0000FFFF,&H000000FF,&H00000000,&H00000000,-1,-1,0,0,100,100,0,0,1,3,0,5,10,10,10,1"
                let song = "Song,\(attachedFontFamily),30,&H00FF80FF,&H00FFFFFF,&H00000000,&H00000000,0,0,0,0,100,100,0,0,1,2,0,8,10,10,10,1"
                try?
                    (assHeader(styles: [sign, song])
                    + "Dialogue: 0,0:00:00.00,0:00:30.00,Sign,,0,0,0,,{\\pos(320,100)}\(signText)\n"
                    + "Dialogue: 0,0:00:05.00,0:00:13.00,Song,,0,0,0,,{\\k40}Ha{\\k40}ji{\\k40}me{\\k40}ru\n")
                    .write(toFile: signs, atomically: true, encoding: .utf8)
                try? """
                ;FFMETADATA1
                [CHAPTER]
                TIMEBASE=1/1000
                START=0
                END=4000
                title=Prologue
                [CHAPTER]
                TIMEBASE=1/1000
                START=4000
                END=14000
                title=Opening
                [CHAPTER]
                TIMEBASE=1/1000
                START=14000
                END=22000
                title=Part A
                [CHAPTER]
                TIMEBASE=1/1000
                START=22000
                END=27000
                title=Ending
                [CHAPTER]
                TIMEBASE=1/1000
                START=27000
                END=30000
                title=Preview

                """.write(toFile: chapters, atomically: true, encoding: .utf8)
                await ffmpeg([
                    "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=24", "-f", "lavfi", "-i", "sine=frequency=660:sample_rate=48000",
                    "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-i", full, "-i", signs, "-i", chapters,
                    "-attach", attachedFont, "-metadata:s:t:0", "mimetype=application/x-truetype-font",
                    "-metadata:s:t:0", "filename=AnikuraTestFace.ttf",
                    "-t", "30", "-map", "0:v", "-map", "1:a", "-map", "2:a", "-map", "3:s", "-map", "4:s", "-map_chapters", "5",
                    "-c:v", "libx264", "-preset", "veryfast", "-g", "48", "-keyint_min", "48", "-sc_threshold", "0",
                    "-c:a", "aac", "-b:a", "96k", "-c:s", "ass",
                    "-metadata:s:a:0", "language=eng", "-metadata:s:a:0", "title=English dub", "-disposition:a:0", "default",
                    "-metadata:s:a:1", "language=jpn", "-disposition:a:1", "0",
                    "-metadata:s:s:0", "language=eng", "-metadata:s:s:0", "title=English",
                    "-metadata:s:s:1", "language=eng", "-metadata:s:s:1", "title=Signs & Songs", output,
                ])
            }
        }
    }

    /// An ASS script's head with these `Style:` lines (after `Style: `), ready for `Dialogue:` lines.
    static func assHeader(styles: [String]) -> String {
        """
        [Script Info]
        ScriptType: v4.00+
        PlayResX: 640
        PlayResY: 360

        [V4+ Styles]
        Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, MarginR, MarginV, Encoding
        \(styles.map { "Style: " + $0 }.joined(separator: "\n"))

        [Events]
        Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text

        """
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
