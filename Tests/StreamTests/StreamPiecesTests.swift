import Foundation
import Stream
import TestMedia
import Testing

@Suite("Stream pieces")
struct StreamPiecesTests {
    static func info(video: String = "h264", bitDepth: Int = 8, pixelFormat: String = "yuv420p", audio: [String] = ["aac"]) -> MediaInfo {
        MediaInfo(
            container: "matroska,webm",
            duration: 1440,
            startTime: 0,
            bitRate: 4_000_000,
            video: .init(
                streamIndex: 0,
                codec: video,
                profile: "High",
                level: 41,
                bitDepth: bitDepth,
                pixelFormat: pixelFormat,
                width: 1920,
                height: 1080,
                frameRate: 23.976
            ),
            audio: audio.enumerated().map { index, codec in
                .init(
                    streamIndex: index + 1,
                    codec: codec,
                    profile: nil,
                    channels: 2,
                    sampleRate: 48000,
                    language: index == 0 ? "jpn" : "eng",
                    title: nil,
                    isDefault: index == 0
                )
            },
            subtitles: [
                .init(streamIndex: 9, codec: "ass", language: "eng", title: "Full", isDefault: true, isText: true),
                .init(streamIndex: 10, codec: "hdmv_pgs_subtitle", language: "eng", title: nil, isDefault: false, isText: false),
            ],
            keyframes: [0, 5, 10],
            keyframesFromIndex: true
        )
    }

    @Test("remux H.264 8-bit with AAC/MP3; copy video but transcode FLAC, Opus, AC-3, DTS; transcode HEVC, Hi10P, MPEG-4, VC-1")
    func decisions() {
        #expect(StreamDecision(info: Self.info(audio: ["aac", "mp3"]), client: .init(), transcodeHeight: 720).isRemux)
        let audioOnly = StreamDecision(info: Self.info(audio: ["flac", "opus", "ac3", "dts", "aac"]), client: .init(), transcodeHeight: 720)
        #expect(audioOnly.video == .copy)
        #expect(audioOnly.copyAudio == [false, false, false, false, true])
        for (codec, depth, format) in [
            ("hevc", 10, "yuv420p10le"), ("h264", 10, "yuv420p10le"), ("mpeg4", 8, "yuv420p"), ("vc1", 8, "yuv420p"), ("h264", 8, "yuv444p"),
        ] {
            let decision = StreamDecision(info: Self.info(video: codec, bitDepth: depth, pixelFormat: format), client: .init(), transcodeHeight: 720)
            #expect(decision.video == .h264(height: 720, burnSubtitle: nil), "\(codec) \(depth)-bit \(format)")
        }
        // Per client: forced transcoding, burn-in of a text track (a bitmap track cannot be burnt in here).
        #expect(
            StreamDecision(info: Self.info(), client: .init(forceTranscode: true), transcodeHeight: 720).video
                == .h264(height: 720, burnSubtitle: nil)
        )
        #expect(StreamDecision(info: Self.info(), client: .init(burnSubtitle: 0), transcodeHeight: 720).video == .h264(height: 720, burnSubtitle: 0))
        // A PGS track is burnt in by laying it over the picture; a track the file does not have changes nothing.
        #expect(StreamDecision(info: Self.info(), client: .init(burnSubtitle: 1), transcodeHeight: 720).video == .h264(height: 720, burnSubtitle: 1))
        #expect(StreamDecision(info: Self.info(), client: .init(burnSubtitle: 2), transcodeHeight: 720).video == .copy)
        // Never upscaled.
        #expect(
            StreamDecision(info: Self.info(video: "hevc"), client: .init(), transcodeHeight: 2160).video == .h264(height: 1080, burnSubtitle: nil)
        )
    }

    @Test("the master playlist names tracks by language and lists only text subtitles")
    func master() {
        let info = Self.info(audio: ["aac", "flac"])
        let text = MasterPlaylist.make(info: info, decision: StreamDecision(info: info, client: .init(), transcodeHeight: 720))
        #expect(text.hasPrefix("#EXTM3U\n"))
        #expect(text.contains(#"TYPE=AUDIO,GROUP-ID="audio",NAME="Japanese",LANGUAGE="jpn",DEFAULT=YES"#))
        #expect(text.contains(#"NAME="English",LANGUAGE="eng",DEFAULT=NO"#))
        #expect(text.contains(#"URI="a1/index.m3u8""#))
        #expect(text.contains(#"TYPE=SUBTITLES,GROUP-ID="subs",NAME="English — Full""#))
        #expect(!text.contains("s1/index.m3u8"), "a bitmap track is not offered as WebVTT")
        #expect(text.contains(#"CODECS="avc1.640029,mp4a.40.2""#))
        #expect(text.contains("RESOLUTION=1920x1080"))
        #expect(text.hasSuffix("v/index.m3u8\n"))
        let hevc = Self.info(video: "hevc", bitDepth: 10)
        let transcoded = MasterPlaylist.make(info: hevc, decision: StreamDecision(info: hevc, client: .init(), transcodeHeight: 720))
        #expect(transcoded.contains("RESOLUTION=1280x720"))
        #expect(transcoded.hasSuffix("v-h264-480/index.m3u8\n"))
    }

    @Test("a transcoded 1080p source gets a 720p, 1080p and 480p ladder, the starting height first, on one audio group")
    func ladder() throws {
        let hevc = Self.info(video: "hevc", bitDepth: 10)
        let decision = StreamDecision(info: hevc, client: .init(), transcodeHeight: 720)
        #expect(decision.ladder == [720, 1080, 480])
        let text = MasterPlaylist.make(info: hevc, decision: decision)
        let variants = text.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-STREAM-INF:") }
        let uris = text.split(separator: "\n").filter { $0.hasSuffix("index.m3u8") && !$0.hasPrefix("#") }
        #expect(uris == ["v-h264-720/index.m3u8", "v-h264-1080/index.m3u8", "v-h264-480/index.m3u8"])
        #expect(variants.allSatisfy { $0.contains(#"AUDIO="audio""#) && $0.contains("FRAME-RATE=") && $0.contains("AVERAGE-BANDWIDTH=") })
        #expect(
            variants[0].contains("RESOLUTION=1280x720") && variants[1].contains("RESOLUTION=1920x1080") && variants[2].contains("RESOLUTION=854x480")
        )
        // BANDWIDTH is the encoder's cap plus the audio: smaller variants really are cheaper, so a slow link steps down.
        func bandwidth(_ line: Substring) throws -> Int {
            let value = try #require(line.split(separator: ",").first { $0.hasPrefix("#EXT-X-STREAM-INF:BANDWIDTH=") || $0.hasPrefix("BANDWIDTH=") })
            return Int(value.split(separator: "=").last!)!
        }
        let rates = try variants.map(bandwidth)
        #expect(rates[1] > rates[0] && rates[0] > rates[2])
        #expect(rates[0] == TranscodeArguments.maxBitRate(height: 720) + 192_000)
        #expect(variants[1].contains("avc1.640028") && variants[0].contains("avc1.64001f"))
        // A 480p source is never upscaled; a copied file has one variant.
        var small = hevc
        small.video?.height = 480
        small.video?.width = 854
        #expect(StreamDecision(info: small, client: .init(), transcodeHeight: 720).ladder == [480])
        #expect(StreamDecision(info: Self.info(), client: .init(), transcodeHeight: 720).ladder == [])
        let arguments = TranscodeArguments().video(
            input: "in.mkv",
            streamIndex: 0,
            start: 0,
            duration: 6,
            height: 480,
            burn: nil,
            urgent: false,
            output: "0.ts"
        )
        #expect(arguments.joined(separator: " ").contains("-maxrate 1500k -bufsize 3000k"))
    }

    @Test("the chosen audio track is the default and listed first, for a native player with no audio menu")
    func chosenAudio() {
        let info = Self.info(audio: ["aac", "aac"])
        let decision = StreamDecision(info: info, client: .init(), transcodeHeight: 720)
        let text = MasterPlaylist.make(info: info, decision: decision, client: .init(audioTrack: 1))
        let audio = text.split(separator: "\n").filter { $0.contains("TYPE=AUDIO") }
        #expect(audio.count == 2)
        #expect(audio[0].contains(#"LANGUAGE="eng",DEFAULT=YES"#) && audio[0].contains("a1/index.m3u8"))
        #expect(audio[1].contains(#"LANGUAGE="jpn",DEFAULT=NO"#))
        // A track the file does not have leaves the file's own default.
        let unknown = MasterPlaylist.make(info: info, decision: decision, client: .init(audioTrack: 7))
        #expect(unknown.contains(#"LANGUAGE="jpn",DEFAULT=YES"#))
    }

    @Test("rendition ids round-trip; anything else is refused")
    func renditions() {
        let all: [Rendition] = [
            .video(.copy), .video(.h264(height: 720, burnSubtitle: nil)), .video(.h264(height: 480, burnSubtitle: 2)), .audio(0), .audio(12),
            .subtitles(3),
        ]
        for rendition in all { #expect(Rendition(rendition.description) == rendition) }
        for bad in [
            "", "..", "../v", "v/../../etc", "a", "a-1", "a01", "s", "v-h264-", "v-h264-0720", "v-h264-720-burn", "V", "a1.ts",
            String(repeating: "a", count: 100), "a999999",
        ] {
            #expect(Rendition(bad) == nil, "\(bad)")
        }
    }

    @Test("WebVTT: cues are read, and each segment has the cues it shows with the timestamp map")
    func webVTT() {
        let vtt = WebVTT(
            parsing:
                "WEBVTT\n\n00:01.500 --> 00:03.250\nFirst line\n\nNOTE a note\n\n01:00:07.100 --> 01:00:09.000 align:start\nTwo\nlines\n\nbroken --> cue\nx\n"
        )
        #expect(vtt.cues.count == 2)
        #expect(vtt.cues[1].start == 3607.1)
        #expect(vtt.cues[1].text == "Two\nlines")
        let segment = vtt.segment(start: 3606, end: 3612)
        #expect(segment == "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000\n\n01:00:07.100 --> 01:00:09.000 align:start\nTwo\nlines\n")
        #expect(!vtt.segment(start: 0, end: 6).contains("Two"))
    }

    @Test("stream tokens work for their file and user until they expire, and cannot be forged or moved to another user")
    func tokens() {
        let tokens = StreamTokens(secret: Data(repeating: 7, count: 32), lifetime: 3600)
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let token = tokens.make(fileId: 5, userId: 3, now: now)
        #expect(tokens.verify(token, fileId: 5, now: now) == 3)
        #expect(tokens.verify(token, fileId: 5, now: now.addingTimeInterval(3599)) == 3)
        #expect(tokens.verify(token, fileId: 5, now: now.addingTimeInterval(3601)) == nil)
        #expect(tokens.verify(token, fileId: 6, now: now) == nil)
        let other = StreamTokens(secret: Data(repeating: 8, count: 32), lifetime: 3600)
        #expect(other.verify(token, fileId: 5, now: now) == nil)
        let parts = token.split(separator: "-")
        // A later expiry, or another user, with the old signature is no token.
        #expect(tokens.verify("1900000000-3-\(parts[2])", fileId: 5, now: now) == nil)
        #expect(tokens.verify("\(parts[0])-4-\(parts[2])", fileId: 5, now: now) == nil)
        #expect(tokens.verify("\(parts[0])-\(parts[2])", fileId: 5, now: now) == nil)
        for bad in ["", "-", "abc", "1-2-3", "1--2", token + "0", String(token.dropLast())] {
            #expect(tokens.verify(bad, fileId: 5, now: now) == nil)
        }
    }

    @Test("the segment cache evicts the least recently used segments beyond its cap")
    func cacheEviction() async throws {
        let root = MediaFixtures.directory + "/lru-\(UUID().uuidString)"
        let cache = SegmentCache(root: root, capacityBytes: 3000)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        func add(_ name: String) async throws -> String {
            let path = "\(root)/\(name)"
            try Data(repeating: 1, count: 1000).write(to: URL(fileURLWithPath: path))
            await cache.added(path)
            return path
        }
        let first = try await add("0.ts")
        let second = try await add("1.ts")
        let third = try await add("2.ts")
        #expect(await cache.usedBytes == 3000)
        #expect(await cache.contains(first))  // used again: now the second is the oldest
        let fourth = try await add("3.ts")
        #expect(!FileManager.default.fileExists(atPath: second))
        #expect(FileManager.default.fileExists(atPath: first) && FileManager.default.fileExists(atPath: third))
        #expect(await cache.contains(fourth))
        #expect(await cache.usedBytes == 3000)
        // A new process finds what is on disk and counts it; half-written files are removed.
        try Data("x".utf8).write(to: URL(fileURLWithPath: root + "/4.ts.part"))
        let reopened = SegmentCache(root: root, capacityBytes: 3000)
        #expect(await reopened.segmentCount == 3)
        #expect(!FileManager.default.fileExists(atPath: root + "/4.ts.part"))
    }
}

@Suite("Transcode command lines")
struct TranscodeArgumentsTests {
    @Test("a waited-for segment uses the start preset; every segment seeks exactly and lands on the timeline")
    func arguments() {
        let arguments = TranscodeArguments(preset: "veryfast", startPreset: "ultrafast", crf: 20)
        func video(urgent: Bool) -> [String] {
            arguments.video(
                input: "/m/a.mkv",
                streamIndex: 0,
                start: 12,
                duration: 6,
                height: 720,
                burn: nil,
                urgent: urgent,
                output: "/c/2.ts"
            )
        }
        let made = video(urgent: false)
        let urgent = video(urgent: true)
        #expect(made.contains("veryfast") && !made.contains("ultrafast"))
        #expect(urgent.contains("ultrafast"))
        for line in [made, urgent] {
            #expect(Array(line.prefix(5)) == ["-ss", "12.000000", "-i", "/m/a.mkv", "-t"])
            #expect(line.suffix(3) == ["-output_ts_offset", "22.000000", "/c/2.ts"])
        }
        let burnt = arguments.video(
            input: "/m/a.mkv",
            streamIndex: 0,
            start: 12,
            duration: 6,
            height: 720,
            burn: .text(track: 1, subtitleFile: "/c/it's:[x]"),
            urgent: false,
            output: "/c/2.ts"
        )
        let filter = burnt[burnt.firstIndex(of: "-vf")! + 1]
        #expect(filter.hasPrefix(#"setpts=PTS+12.000000/TB,subtitles=filename=/c/it\\\'s\\:\[x\]:si=1,setpts=PTS-STARTPTS,"#))
    }
}
