import Foundation
import Stream
import TestMedia
import Testing

@Suite("Stream-copy segments")
struct SegmentRemuxerTests {
    @Test("video segments are exactly the GOPs between published boundaries, whatever order they are made in")
    func videoSegments() async throws {
        let h264File = await MediaFixtures.h264
        let info = try MediaProber().probe(path: h264File)
        let video = try #require(info.video)
        let plan = SegmentPlan(keyframes: info.keyframes, duration: info.duration, target: 6)
        #expect(plan.segments.count == 5)
        let folder = MediaFixtures.directory + "/remux-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        func make(_ index: Int, _ name: String) throws -> String {
            let segment = plan.segments[index]
            let end = index + 1 < plan.segments.count ? plan.segments[index + 1].start : nil
            let output = "\(folder)/\(name)-\(index).ts"
            try SegmentRemuxer().remux(
                path: h264File,
                streamIndex: video.streamIndex,
                videoIndex: video.streamIndex,
                start: segment.start,
                end: end,
                output: output
            )
            return output
        }
        // In order, then backwards as a seeking player would.
        let inOrder = try plan.segments.indices.map { try make($0, "order") }
        let afterSeek = try plan.segments.indices.reversed().map { try make($0, "seek") }.reversed()
        for (first, second) in zip(inOrder, afterSeek) {
            #expect(FileManager.default.contents(atPath: first) == FileManager.default.contents(atPath: second))
        }
        var total = 0
        for (index, path) in inOrder.enumerated() {
            let packets = await MediaFixtures.packets(path)
            total += packets.count
            let keyframes = packets.filter(\.key).map { $0.pts - HLSTimeline.offset }
            // One GOP every 2 s: each 6 s segment holds three, starting at its own start.
            let expectedStart = index == 0 ? info.keyframes[0] : plan.segments[index].start
            #expect(abs((keyframes.first ?? -1) - expectedStart) < 0.002)
            #expect(keyframes.allSatisfy { $0 < plan.segments[index].start + plan.segments[index].duration - 0.001 })
        }
        let source = await MediaFixtures.packets(h264File).filter { $0.stream == video.streamIndex }
        #expect(total == source.count, "every packet lands in exactly one segment")
    }

    @Test("decode times rise one frame at a time across segments, even for a segment made first after a seek")
    func decodeTimes() async throws {
        let h264File = await MediaFixtures.h264
        let info = try MediaProber().probe(path: h264File)
        let video = try #require(info.video)
        let plan = SegmentPlan(keyframes: info.keyframes, duration: info.duration, target: 6)
        let folder = MediaFixtures.directory + "/dts-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        var times: [(pts: Double, dts: Double)] = []
        // Made backwards, so every segment is the first one made after a seek.
        for index in plan.segments.indices.reversed() {
            let end = index + 1 < plan.segments.count ? plan.segments[index + 1].start : nil
            let output = "\(folder)/\(index).ts"
            try SegmentRemuxer().remux(
                path: h264File,
                streamIndex: video.streamIndex,
                videoIndex: video.streamIndex,
                start: plan.segments[index].start,
                end: end,
                output: output
            )
            let text = await MediaFixtures.run(
                "/usr/bin/env",
                ["ffprobe", "-v", "error", "-show_entries", "packet=pts_time,dts_time", "-of", "csv=p=0", output]
            )
            let segment = text.split(separator: "\n").compactMap { line -> (Double, Double)? in
                let fields = line.split(separator: ",")
                guard fields.count >= 2, let pts = Double(fields[0]), let dts = Double(fields[1]) else { return nil }
                return (pts, dts)
            }
            times.insert(contentsOf: segment, at: 0)
        }
        #expect(times.count == 30 * 24, "30 s at 24 frames a second")
        let frame = 1.0 / 24
        // B-frames really reorder here, so decode times cannot simply copy presentation times.
        #expect(zip(times, times.dropFirst()).contains { $0.pts > $1.pts })
        for (previous, next) in zip(times, times.dropFirst()) {
            #expect(abs(next.dts - previous.dts - frame) < 0.0015, "decode time steps by one frame at \(next.dts)")
        }
        #expect(times.allSatisfy { $0.dts <= $0.pts + 0.0001 })
    }

    @Test("audio segments hold the packets that play inside them")
    func audioSegments() async throws {
        let h264File = await MediaFixtures.h264
        let info = try MediaProber().probe(path: h264File)
        let video = try #require(info.video)
        let audio = try #require(info.audio.first)
        let folder = MediaFixtures.directory + "/remux-audio-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let plan = SegmentPlan(keyframes: [], duration: info.duration, target: 6)
        var total = 0
        for (index, segment) in plan.segments.enumerated() {
            let end = index + 1 < plan.segments.count ? plan.segments[index + 1].start : nil
            let output = "\(folder)/\(index).ts"
            try SegmentRemuxer().remux(
                path: h264File,
                streamIndex: audio.streamIndex,
                videoIndex: video.streamIndex,
                start: segment.start,
                end: end,
                output: output
            )
            let times = await MediaFixtures.packets(output).map { $0.pts - HLSTimeline.offset }
            total += times.count
            #expect(times.allSatisfy { $0 >= segment.start - 0.001 && $0 < segment.start + segment.duration })
        }
        let source = await MediaFixtures.packets(h264File).filter { $0.stream == audio.streamIndex }
        #expect(total == source.count)
    }

    @Test("a start that is no keyframe, or past the end, is an error and leaves no file")
    func badRange() async throws {
        let h264File = await MediaFixtures.h264
        let info = try MediaProber().probe(path: h264File)
        let video = try #require(info.video)
        // Keyframes every 2 s: 3 s and 5.5 s are between them (the seek lands on 2 s and 4 s, which are not the
        // start asked for); 99 s is past the end of a 30 s file.
        #expect(!info.keyframes.contains { abs($0 - 3) < 0.01 || abs($0 - 5.5) < 0.01 })
        for start in [3.0, 5.5, 99] {
            let output = MediaFixtures.directory + "/bad-\(UUID().uuidString).ts"
            #expect(throws: StreamError.self, "start \(start)") {
                try SegmentRemuxer().remux(
                    path: h264File,
                    streamIndex: video.streamIndex,
                    videoIndex: video.streamIndex,
                    start: start,
                    end: start + 6,
                    output: output
                )
            }
            #expect(!FileManager.default.fileExists(atPath: output))
            #expect(!FileManager.default.fileExists(atPath: output + ".part"))
        }
    }
}
