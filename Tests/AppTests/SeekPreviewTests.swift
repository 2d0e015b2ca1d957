import Foundation
import Hummingbird
import HummingbirdTesting
import Stream
import TestMedia
import Testing

@testable import App

/// Seek previews over real HTTP: made in the background on first play, one picture every 10 s, 320 px wide, in JPEG
/// sprite sheets that the WebVTT track's `#xywh=` fragments point into.
@Suite("seek previews")
struct SeekPreviewTests {
    @Test("first play starts them; the track's cues tile the sheets, one per 10 s, and each sheet is the size they say")
    func spritesAndTrack() async throws {
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": try await StreamAPITests.mediaFolder()])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            let id = try #require(files[StreamAPITests.h264Name])
            let ticket = try await StreamAPITests.ticket(client, id)
            let url = try #require(ticket["url"] as? String)
            let base = String(url.dropLast("master.m3u8".count))
            let info = try MediaProber().probe(path: await MediaFixtures.h264)
            // Before anyone plays the file nothing is made; asking for the track starts it and says so.
            try await client.execute(uri: base + "trickplay/sheet-1.jpg", method: .get) { #expect($0.status == .notFound) }
            _ = try await StreamAPITests.get(client, url)
            var track = ""
            for _ in 0..<300 {
                let (status, text, retry) = try await client.execute(uri: base + "trickplay/index.vtt", method: .get) {
                    ($0.status, $0.text, $0.headers[.retryAfter])
                }
                if status == .ok {
                    track = text
                    break
                }
                #expect(status == .accepted && retry == "2", "\(status) \(text)")
                try await Task.sleep(for: .milliseconds(100))
            }
            let lines = track.split(separator: "\n", omittingEmptySubsequences: false)
            #expect(lines.first == "WEBVTT")
            let times = lines.filter { $0.contains(" --> ") }
            let pictures = lines.filter { $0.contains("#xywh=") }
            // 30 s: pictures at 0, 10 and 20 s (none for the last second).
            #expect(pictures.count == 3, "one picture per 10 s of \(info.duration) s: \(track)")
            #expect(times.first == "00:00:00.000 --> 00:00:10.000")
            #expect(times.last?.hasSuffix(" --> 00:00:\(String(format: "%06.3f", info.duration))") == true, "\(times)")
            // 640x360 at 320 px wide: 320x180 pictures, ten to a row, one row for this short file.
            for (index, line) in pictures.enumerated() {
                #expect(line == "sheet-1.jpg#xywh=\(index * 320),0,320,180")
            }
            let sheet = try await client.execute(uri: base + "trickplay/sheet-1.jpg", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "image/jpeg")
                return Data(response.bytes)
            }
            let path = NSTemporaryDirectory() + "anikura-sheet-\(UUID().uuidString).jpg"
            FileManager.default.createFile(atPath: path, contents: sheet)
            defer { try? FileManager.default.removeItem(atPath: path) }
            let size = await MediaFixtures.run(
                "/usr/bin/env",
                ["ffprobe", "-v", "error", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", path]
            )
            #expect(size.trimmingCharacters(in: .whitespacesAndNewlines) == "mjpeg,3200,180")
            // Each picture is its moment: the 10 s picture differs from the 0 s one (testsrc2 moves).
            func picture(_ index: Int) async -> [UInt8] {
                Array(
                    await MediaFixtures.runData(
                        "/usr/bin/env",
                        ["ffmpeg", "-v", "error", "-i", path, "-vf", "crop=320:180:\(index * 320):0,format=gray", "-f", "rawvideo", "-"]
                    )
                )
            }
            let first = await picture(0)
            let second = await picture(1)
            #expect(first.count == 320 * 180 && first != second)
            #expect(first.contains { $0 > 40 }, "a picture, not the blank padding")
            try await client.execute(uri: base + "trickplay/sheet-2.jpg", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: base + "trickplay/..%2Findex.vtt", method: .get) { #expect($0.status == .notFound) }
            let other = "/hls/1-00000000000000000000000000000000/\(id)/trickplay/index.vtt"
            try await client.execute(uri: other, method: .get) { #expect($0.status == .forbidden) }
        }
    }

    @Test("the layout: sheets of ten columns and up to ten rows, the last picture running to the end")
    func layout() {
        let layout = TrickplayLayout(windows: Array(0..<144), sourceWidth: 1920, sourceHeight: 1080)
        #expect(layout.height == 180 && layout.rows == 10 && layout.sheetCount == 2)
        #expect(layout.place(0) == (1, 0, 0) && layout.place(11) == (1, 320, 180) && layout.place(100) == (2, 0, 0))
        let vtt = layout.webVTT(duration: 1436.5)
        #expect(vtt.hasSuffix("00:23:50.000 --> 00:23:56.500\nsheet-2.jpg#xywh=960,720,320,180\n"))
        // An interval with no keyframe: the picture before covers it too.
        let sparse = TrickplayLayout(windows: [0, 1, 3], sourceWidth: 1920, sourceHeight: 1080).webVTT(duration: 35)
        #expect(sparse.contains("00:00:10.000 --> 00:00:30.000\nsheet-1.jpg#xywh=320,0,320,180"))
        #expect(sparse.hasSuffix("00:00:30.000 --> 00:00:35.000\nsheet-1.jpg#xywh=640,0,320,180\n"))
        // Other shapes round to an even height.
        #expect(TrickplayLayout(windows: [0], sourceWidth: 720, sourceHeight: 480).height == 214)
    }
}
