import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Stream
import TestMedia
import Testing

@testable import App

@Suite("streaming over HTTP")
struct StreamAPITests {
    /// A library folder holding the test media under release names, scanned through the API.
    static func library(_ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws -> [String: Int] {
        let job = try await client.execute(uri: "/api/library/scan", method: .post, headers: headers) { response in
            try #require(response.json()["id"] as? String)
        }
        for _ in 0..<500 {
            let state = try await client.execute(uri: "/api/jobs/\(job)", method: .get, headers: headers) {
                try $0.json()["state"] as? String
            }
            if state == "done" { break }
            try await Task.sleep(for: .milliseconds(20))
        }
        return try await client.execute(uri: "/api/library", method: .get, headers: headers) { response in
            let series = try response.json()["series"] as? [[String: Any]] ?? []
            var ids: [String: Int] = [:]
            for file in series.flatMap({ $0["files"] as? [[String: Any]] ?? [] }) {
                let path = file["path"] as? String ?? ""
                ids[(path as NSString).lastPathComponent] = file["id"] as? Int
            }
            return ids
        }
    }

    static func mediaFolder() async throws -> String {
        let h264File = await MediaFixtures.h264
        let hevcFile = await MediaFixtures.hevc
        let folder = NSTemporaryDirectory() + "anikura-stream-" + UUID().uuidString + "/Show"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: h264File, toPath: folder + "/[Grp] Show - 01 [1080p].mkv")
        try FileManager.default.copyItem(atPath: hevcFile, toPath: folder + "/[Grp] Show - 02 [1080p HEVC 10bit].mkv")
        return (folder as NSString).deletingLastPathComponent
    }

    static let h264Name = "[Grp] Show - 01 [1080p].mkv"
    static let hevcName = "[Grp] Show - 02 [1080p HEVC 10bit].mkv"

    static func ticket(_ client: some TestClientProtocol, _ id: Int, _ query: String = "") async throws -> [String: Any] {
        try await client.execute(uri: "/api/stream/\(id)\(query)", method: .get) { response in
            #expect(response.status == .ok, "\(response.text)")
            return try response.json()
        }
    }

    static func get(_ client: some TestClientProtocol, _ uri: String) async throws -> String {
        try await client.execute(uri: uri, method: .get) { response in
            #expect(response.status == .ok, "\(uri): \(response.status) \(response.text)")
            return response.text
        }
    }

    /// Every cue of a subtitle rendition, once (a cue across a boundary is in both segments), checking each
    /// segment's WebVTT header on the way.
    static func cues(_ client: some TestClientProtocol, _ rendition: String) async throws -> [WebVTT.Cue] {
        let playlist = try await get(client, rendition + "index.m3u8")
        var cues: [WebVTT.Cue] = []
        for index in durations(playlist).indices {
            let text = try await client.execute(uri: rendition + "\(index).vtt", method: .get) { response in
                #expect(response.headers[.contentType] == "text/vtt; charset=utf-8")
                return response.text
            }
            #expect(text.hasPrefix("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\(HLSTimeline.offsetTicks),LOCAL:00:00:00.000\n"))
            for cue in WebVTT(parsing: text).cues where !cues.contains(cue) { cues.append(cue) }
        }
        return cues
    }

    /// Segment durations of a media playlist.
    static func durations(_ playlist: String) -> [Double] {
        playlist.split(separator: "\n").compactMap { line in
            line.hasPrefix("#EXTINF:") ? Double(line.dropFirst(8).split(separator: ",")[0]) : nil
        }
    }

    @Test("H.264/AAC is remuxed: the whole playlist decodes with ffmpeg, durations add up, a seek gets the same segment")
    func remux() async throws {
        let h264File = await MediaFixtures.h264
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": try await Self.mediaFolder()])
        try await app.test(.live) { client in
            let files = try await Self.library(client)
            let id = try #require(files[Self.h264Name])
            let ticket = try await Self.ticket(client, id)
            #expect(ticket["mode"] as? String == "remux")
            let url = try #require(ticket["url"] as? String)
            let base = String(url.dropLast("master.m3u8".count))
            let master = try await Self.get(client, url)
            #expect(master.contains(#"LANGUAGE="jpn""#) && master.contains("v/index.m3u8"))
            let playlist = try await Self.get(client, base + "v/index.m3u8")
            let durations = Self.durations(playlist)
            let info = try MediaProber().probe(path: h264File)
            #expect(abs(durations.reduce(0, +) - info.duration) < 0.01)
            // A seek first: the fourth segment before any other, then all in order.
            let seekFirst = try await client.execute(uri: base + "v/3.ts", method: .get) { $0.bytes }
            let port = try #require(client.port)
            let decoded = await MediaFixtures.decodeErrors("http://127.0.0.1:\(port)\(url)")
            #expect(decoded.isEmpty, "ffmpeg: \(decoded)")
            let inOrder = try await client.execute(uri: base + "v/3.ts", method: .get) { $0.bytes }
            #expect(seekFirst == inOrder)
            // The SRT track as WebVTT: every cue once, within 50 ms.
            #expect(master.contains(#"TYPE=SUBTITLES,GROUP-ID="subs",NAME="English — Full",LANGUAGE="eng""#))
            let cues = try await Self.cues(client, base + "s0/")
            #expect(cues.count == MediaFixtures.srtCues.count)
            for (cue, expected) in zip(cues, MediaFixtures.srtCues) {
                #expect(abs(cue.start - expected.0) < 0.05 && abs(cue.end - expected.1) < 0.05 && cue.text == expected.2)
            }
            // Each video segment starts at its published boundary on the stream's timeline.
            var start = 0.0
            for (index, duration) in durations.enumerated() {
                let bytes = try await client.execute(uri: base + "v/\(index).ts", method: .get) { response in
                    #expect(response.headers[.contentType] == "video/mp2t")
                    return response.bytes
                }
                let path = MediaFixtures.directory + "/http-\(UUID().uuidString).ts"
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let keyframes = await MediaFixtures.packets(path).filter(\.key).map { $0.pts - HLSTimeline.offset }
                let expected = index == 0 ? info.keyframes[0] : start
                #expect(abs((keyframes.first ?? -1) - expected) < 0.002, "segment \(index)")
                start += duration
            }
        }
    }

    @Test("10-bit HEVC with FLAC comes out as H.264 and AAC on an even grid; subtitle cues land at their times")
    func transcode() async throws {
        let app = try await TestApp.build(environment: [
            "ANIKURA_LIBRARY_MEDIA_DIRS": try await Self.mediaFolder(), "ANIKURA_HLS_TRANSCODE_HEIGHT": "240",
        ])
        try await app.test(.live) { client in
            let files = try await Self.library(client)
            let id = try #require(files[Self.hevcName])
            let ticket = try await Self.ticket(client, id)
            #expect(ticket["mode"] as? String == "transcode")
            #expect(ticket["video"] as? String == "v-h264-240")
            let url = try #require(ticket["url"] as? String)
            let base = String(url.dropLast("master.m3u8".count))
            let master = try await Self.get(client, url)
            #expect(master.contains("v-h264-240/index.m3u8"))
            #expect(master.contains(#"TYPE=SUBTITLES,GROUP-ID="subs",NAME="English — Full",LANGUAGE="eng""#))
            let durations = Self.durations(try await Self.get(client, base + "v-h264-240/index.m3u8"))
            #expect(durations == [6, 6, 4])
            // Segment 2 first (a seek), then 1 and 0: each covers exactly its grid slot.
            for index in [2, 1, 0] {
                let bytes = try await client.execute(uri: base + "v-h264-240/\(index).ts", method: .get) { $0.bytes }
                let path = MediaFixtures.directory + "/http-\(UUID().uuidString).ts"
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let packets = await MediaFixtures.packets(path)
                let times = packets.map { $0.pts - HLSTimeline.offset }
                #expect(abs((times.min() ?? -1) - Double(index) * 6) < 0.001, "segment \(index) starts on the grid")
                #expect(packets.count == Int(durations[index] * 24), "segment \(index) has its frames, no more")
                #expect(packets.first?.key == true)
                let codec = await MediaFixtures.run(
                    "/usr/bin/env",
                    ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,height", "-of", "csv=p=0", path]
                )
                #expect(Set(codec.split(separator: "\n")) == ["h264,240"])
            }
            // FLAC became AAC segment by segment: each holds the frames that start inside it, so none overlap.
            for (index, duration) in durations.enumerated() {
                let bytes = try await client.execute(uri: base + "a0/\(index).ts", method: .get) { $0.bytes }
                let path = MediaFixtures.directory + "/http-\(UUID().uuidString).ts"
                try Data(bytes).write(to: URL(fileURLWithPath: path))
                let times = await MediaFixtures.packets(path).map { $0.pts - HLSTimeline.offset }
                let start = Double(index) * 6
                #expect(times.allSatisfy { $0 >= start - 0.001 && $0 < start + duration }, "audio segment \(index)")
                #expect(times.count > Int(duration * 46), "audio segment \(index) is full (48 kHz AAC: 46.9 frames a second)")
            }
            let port = try #require(client.port)
            let probe = await MediaFixtures.run(
                "/usr/bin/env",
                [
                    "ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of", "csv=p=0",
                    "http://127.0.0.1:\(port)\(url)",
                ]
            )
            #expect(probe.contains("h264") && probe.contains("aac") && !probe.contains("hevc") && !probe.contains("flac"))
            let decoded = await MediaFixtures.decodeErrors("http://127.0.0.1:\(port)\(url)")
            #expect(decoded.isEmpty, "ffmpeg: \(decoded)")
            // Subtitles: every cue once (a cue across a boundary is in both segments), within 50 ms of the script.
            let cues = try await Self.cues(client, base + "s0/")
            #expect(cues.count == MediaFixtures.assCues.count)
            for (cue, expected) in zip(cues, MediaFixtures.assCues) {
                #expect(abs(cue.start - expected.0) < 0.05 && abs(cue.end - expected.1) < 0.05 && cue.text == expected.2)
            }
        }
    }

    /// A source file's codecs and what the pipeline must make of them.
    struct CodecCase: Sendable, CustomTestStringConvertible {
        var testDescription: String
        /// ffmpeg's output options for the source.
        var encode: [String]
        var mode: String
        var videoRendition: String
        /// The audio codec the stream carries.
        var audio: String
    }

    static let codecCases: [CodecCase] = [
        .init(testDescription: "H.264 + FLAC", encode: ["-c:v", "libx264", "-c:a", "flac"], mode: "remux-video", videoRendition: "v", audio: "aac"),
        .init(
            testDescription: "H.264 + Opus",
            encode: ["-c:v", "libx264", "-c:a", "libopus"],
            mode: "remux-video",
            videoRendition: "v",
            audio: "aac"
        ),
        .init(testDescription: "H.264 + AC-3", encode: ["-c:v", "libx264", "-c:a", "ac3"], mode: "remux-video", videoRendition: "v", audio: "aac"),
        .init(
            testDescription: "H.264 + DTS",
            encode: ["-c:v", "libx264", "-c:a", "dca", "-strict", "-2"],
            mode: "remux-video",
            videoRendition: "v",
            audio: "aac"
        ),
        .init(testDescription: "H.264 + MP3", encode: ["-c:v", "libx264", "-c:a", "libmp3lame"], mode: "remux", videoRendition: "v", audio: "mp3"),
        .init(
            testDescription: "10-bit H.264 + AAC",
            encode: ["-c:v", "libx264", "-pix_fmt", "yuv420p10le", "-c:a", "aac"],
            mode: "transcode",
            videoRendition: "v-h264-240",
            audio: "aac"
        ),
        .init(
            testDescription: "MPEG-4 Part 2 + AAC",
            encode: ["-c:v", "mpeg4", "-q:v", "5", "-c:a", "aac"],
            mode: "transcode",
            videoRendition: "v-h264-240",
            audio: "aac"
        ),
    ]

    @Test("each codec pair goes through the real pipeline: copied where a browser plays it, re-encoded where not", arguments: codecCases)
    func codecs(_ codec: CodecCase) async throws {
        let folder = NSTemporaryDirectory() + "anikura-codec-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/Show", withIntermediateDirectories: true)
        let source = folder + "/Show/[Grp] Show - 01.mkv"
        await MediaFixtures.run(
            "/usr/bin/env",
            [
                "ffmpeg", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=24", "-f", "lavfi", "-i",
                "sine=frequency=440:sample_rate=48000", "-t", "8", "-ac", "2", "-g", "48",
            ] + codec.encode + [source]
        )
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": folder, "ANIKURA_HLS_TRANSCODE_HEIGHT": "240"])
        try await app.test(.live) { client in
            let files = try await Self.library(client)
            let id = try #require(files["[Grp] Show - 01.mkv"], "\(files)")
            let ticket = try await Self.ticket(client, id)
            #expect(ticket["mode"] as? String == codec.mode)
            #expect(ticket["video"] as? String == codec.videoRendition)
            let url = try #require(ticket["url"] as? String)
            let master = try await Self.get(client, url)
            #expect(master.contains("\(codec.videoRendition)/index.m3u8"), "\(master)")
            let port = try #require(client.port)
            let probe = await MediaFixtures.run(
                "/usr/bin/env",
                ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,pix_fmt", "-of", "csv=p=0", "http://127.0.0.1:\(port)\(url)"]
            )
            let streams = Set(probe.split(separator: "\n").map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: ",")) })
            #expect(streams == ["h264,yuv420p", codec.audio], "\(probe)")
            let decoded = await MediaFixtures.decodeErrors("http://127.0.0.1:\(port)\(url)")
            #expect(decoded.isEmpty, "ffmpeg: \(decoded)")
        }
    }

    @Test("bad tokens, unknown files, out-of-range segments and path tricks get 4xx")
    func badRequests() async throws {
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": try await Self.mediaFolder()])
        try await app.test(.live) { client in
            let files = try await Self.library(client)
            let id = try #require(files[Self.h264Name])
            let other = try #require(files[Self.hevcName])
            let ticket = try await Self.ticket(client, id)
            let url = try #require(ticket["url"] as? String)
            let token = url.split(separator: "/")[1]
            // The signature with its last digit changed: always a different digit, so never the real token.
            let tampered = token.dropLast() + (token.last == "0" ? "1" : "0")
            let cases: [(String, HTTPResponse.Status)] = [
                ("/api/stream/abc", .badRequest),
                ("/api/stream/0", .badRequest),
                ("/api/stream/999999", .notFound),
                ("/api/stream/\(id)?burn=x", .badRequest),
                ("/api/stream/\(id)?transcode=maybe", .badRequest),
                ("/hls/\(token)/\(other)/master.m3u8", .forbidden),
                ("/hls/1-00000000000000000000000000000000/\(id)/master.m3u8", .forbidden),
                ("/hls/\(tampered)/\(id)/master.m3u8", .forbidden),
                ("/hls/\(token)/\(id)/v/99.ts", .notFound),
                ("/hls/\(token)/\(id)/v/-1.ts", .notFound),
                ("/hls/\(token)/\(id)/v/01.ts", .notFound),
                ("/hls/\(token)/\(id)/v/0.vtt", .notFound),
                ("/hls/\(token)/\(id)/a7/index.m3u8", .notFound),
                ("/hls/\(token)/\(id)/v-h264-1080/index.m3u8", .notFound),
                ("/hls/\(token)/\(id)/..%2F..%2Fetc/index.m3u8", .notFound),
                ("/hls/\(token)/\(id)/v/..%2F..%2F..%2Fetc%2Fpasswd", .notFound),
                ("/hls/\(token)/\(id)/s1/index.m3u8", .notFound),
            ]
            for (uri, status) in cases {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == status, "\(uri): \(response.text)")
                }
            }
            // A file gone from disk since the scan.
            let hevcPath = try await client.execute(uri: "/api/library/files/\(other)", method: .get) {
                try $0.json()["path"] as? String ?? ""
            }
            try FileManager.default.removeItem(atPath: hevcPath)
            try await client.execute(uri: "/api/stream/\(other)", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.text.contains("no longer on disk"))
            }
        }
    }

    @Test("stream URLs work without credentials (their token is one), and stop working when their user is removed")
    func credentials() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(
            environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": try await Self.mediaFolder()],
            database: database
        )
        let admin = TestAccounts.bearer(accounts.adminKey)
        let viewer = TestAccounts.bearer(accounts.viewerKey)
        try await app.test(.live) { client in
            let job = try await client.execute(uri: "/api/library/scan", method: .post, headers: admin) { response in
                try #require(response.json()["id"] as? String)
            }
            for _ in 0..<500 {
                let state = try await client.execute(uri: "/api/jobs/\(job)", method: .get, headers: admin) {
                    try $0.json()["state"] as? String
                }
                if state == "done" { break }
                try await Task.sleep(for: .milliseconds(20))
            }
            try await client.execute(uri: "/api/stream/1", method: .get) { #expect($0.status == .unauthorized) }
            let viewerURL = try await client.execute(uri: "/api/stream/1", method: .get, headers: viewer) { response in
                try #require(response.json()["url"] as? String)
            }
            let adminURL = try await client.execute(uri: "/api/stream/1", method: .get, headers: admin) { response in
                try #require(response.json()["url"] as? String)
            }
            for url in [viewerURL, adminURL] {
                try await client.execute(uri: url, method: .get) { #expect($0.status == .ok) }
            }
            try await client.execute(uri: viewerURL.replacingOccurrences(of: "/hls/", with: "/hls/1"), method: .get) {
                #expect($0.status == .forbidden)
            }
            // The viewer's link names the viewer: removing them ends it; the admin's link goes on working.
            try accounts.users.remove(name: TestAccounts.viewerName)
            try await client.execute(uri: viewerURL, method: .get) { #expect($0.status == .forbidden) }
            try await client.execute(uri: adminURL, method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("beyond hls.max_sessions a new transcode gets 503 with Retry-After")
    func busy() async throws {
        let app = try await TestApp.build(environment: [
            "ANIKURA_LIBRARY_MEDIA_DIRS": try await Self.mediaFolder(), "ANIKURA_HLS_MAX_SESSIONS": "1",
            "ANIKURA_HLS_TRANSCODE_HEIGHT": "240", "ANIKURA_HLS_PREFETCH_SEGMENTS": "0",
        ])
        try await app.test(.live) { client in
            let files = try await Self.library(client)
            let hevcID = try #require(files[Self.hevcName])
            let h264ID = try #require(files[Self.h264Name])
            let hevcTicket = try await Self.ticket(client, hevcID)
            let h264Ticket = try await Self.ticket(client, h264ID, "?transcode=1")
            let hevc = try #require(hevcTicket["url"] as? String)
            let h264 = try #require(h264Ticket["url"] as? String)
            #expect(h264.hasSuffix("master.m3u8?transcode=1"))
            _ = try await client.execute(uri: hevc.replacingOccurrences(of: "master.m3u8", with: "v-h264-240/0.ts"), method: .get) {
                #expect($0.status == .ok)
            }
            let master = try await Self.get(client, h264)
            #expect(master.contains("v-h264-240/index.m3u8"))
            let segment = h264.replacingOccurrences(of: "master.m3u8?transcode=1", with: "v-h264-240/0.ts")
            try await client.execute(uri: segment, method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 > 0)
            }
        }
    }
}
