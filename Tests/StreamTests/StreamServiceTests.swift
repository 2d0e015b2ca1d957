import Foundation
import GRDB
import Logging
import Stream
import Synchronization
import TestMedia
import Testing

/// Real ffmpeg, counting its runs.
final class CountingFFmpeg: MediaTool {
    let runs = Mutex(0)
    let inner = FFmpegTool()

    func ffmpeg(_ arguments: [String]) async throws(StreamError) {
        runs.withLock { $0 += 1 }
        try await inner.ffmpeg(arguments)
    }
}

@Suite("Stream service")
struct StreamServiceTests {
    static func service(
        tool: any MediaTool = FFmpegTool(),
        settings: StreamSettings = StreamSettings(transcodeHeight: 240)
    ) throws -> StreamService {
        var migrator = DatabaseMigrator()
        StreamSchema.registerMigrations(in: &migrator)
        let database = try DatabaseQueue()
        try migrator.migrate(database)
        let root = MediaFixtures.directory + "/cache-\(UUID().uuidString)"
        return StreamService(
            probes: ProbeCache(writer: database),
            cache: SegmentCache(root: root, capacityBytes: 1 << 30),
            tool: tool,
            settings: settings,
            logger: Logger(label: "test")
        )
    }

    static func source(_ path: String, id: Int64) throws -> StreamSource {
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        return StreamSource(
            fileId: id,
            path: path,
            size: (attributes[.size] as? Int) ?? 0,
            modifiedAt: (attributes[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
        )
    }

    @Test("a hundred players asking for one transcoded segment cause one ffmpeg run")
    func oneProducer() async throws {
        let tool = CountingFFmpeg()
        let streams = try Self.service(tool: tool, settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let source = try Self.source(MediaFixtures.hevc, id: 1)
        let rendition = Rendition.video(.h264(height: 240, burnSubtitle: nil))
        let paths = try await withThrowingTaskGroup(of: String.self) { group in
            for _ in 0..<100 { group.addTask { try await streams.segment(source, rendition, 1) } }
            return try await group.reduce(into: Set<String>()) { $0.insert($1) }
        }
        #expect(paths.count == 1)
        #expect(tool.runs.withLock { $0 } == 1)
        // Cached now: asking again runs nothing.
        _ = try await streams.segment(source, rendition, 1)
        #expect(tool.runs.withLock { $0 } == 1)
    }

    @Test("after a request the next segments are made ahead; a seek makes the wanted segment next")
    func prefetchAndSeek() async throws {
        let tool = CountingFFmpeg()
        let streams = try Self.service(tool: tool, settings: StreamSettings(prefetchSegments: 1, transcodeHeight: 240))
        let source = try Self.source(MediaFixtures.hevc, id: 1)
        let rendition = Rendition.audio(0)  // FLAC: transcoded to AAC by ffmpeg, segment by segment.
        _ = try await streams.segment(source, rendition, 0)
        try await eventually { tool.runs.withLock { $0 } == 2 }  // segment 1 made ahead
        _ = try await streams.segment(source, rendition, 2)  // a seek past what was prefetched
        try await eventually { tool.runs.withLock { $0 } == 3 }  // 2 made; 3 is past the end (16 s / 6 s)
        let folder = streams.cache.root
        let made = FileManager.default.enumerator(atPath: folder)?.allObjects.compactMap { $0 as? String }
            .filter { $0.hasSuffix(".ts") }.count
        #expect(made == 3)
    }

    @Test("beyond hls.max_sessions transcodes a new one is refused with a retry time; idle ones free their slot")
    func sessionLimit() async throws {
        let streams = try Self.service(
            settings: StreamSettings(maxTranscodes: 1, prefetchSegments: 0, transcodeHeight: 240, idleSeconds: 1)
        )
        let hevc = try Self.source(MediaFixtures.hevc, id: 1)
        let h264 = try Self.source(MediaFixtures.h264, id: 2)
        let transcode = Rendition.video(.h264(height: 240, burnSubtitle: nil))
        _ = try await streams.segment(hevc, transcode, 0)
        #expect(await streams.activeTranscodes() == 1)
        await #expect(throws: StreamError.busy(retryAfter: 1)) { try await streams.segment(h264, transcode, 0) }
        // Remuxing is never limited.
        _ = try await streams.segment(h264, .video(.copy), 0)
        try await Task.sleep(for: .milliseconds(1100))
        await streams.sweepIdleProducers()
        #expect(await streams.activeTranscodes() == 0)
        _ = try await streams.segment(h264, transcode, 0)
    }

    @Test("only renditions the file has: no made-up heights, tracks or segment numbers")
    func validation() async throws {
        let streams = try Self.service()
        let hevc = try Self.source(MediaFixtures.hevc, id: 1)
        await #expect(throws: StreamError.self) { try await streams.mediaPlaylist(hevc, .video(.copy)) }
        await #expect(throws: StreamError.self) { try await streams.mediaPlaylist(hevc, .video(.h264(height: 1080, burnSubtitle: nil))) }
        await #expect(throws: StreamError.self) { try await streams.mediaPlaylist(hevc, .audio(1)) }
        await #expect(throws: StreamError.self) { try await streams.mediaPlaylist(hevc, .subtitles(3)) }
        await #expect(throws: StreamError.self) { try await streams.segment(hevc, .audio(0), 3) }
        await #expect(throws: StreamError.self) { try await streams.segment(hevc, .audio(0), -1) }
        let playlist = try await streams.mediaPlaylist(hevc, .subtitles(0))
        #expect(playlist.contains("0.vtt") && playlist.contains("2.vtt") && !playlist.contains("3.vtt"))
    }

    @Test("a burnt-in ASS track is drawn into the transcoded picture")
    func burnIn() async throws {
        let streams = try Self.service(settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let hevc = try Self.source(MediaFixtures.hevc, id: 1)
        let plain = try await streams.segment(hevc, .video(.h264(height: 240, burnSubtitle: nil)), 0)
        let burnt = try await streams.segment(hevc, .video(.h264(height: 240, burnSubtitle: 0)), 0)
        // At 2 s "First line" is on screen in one and not the other; at 5 s no line is. Compare the bottom
        // quarter of the picture, where libass draws, as grey pixels: only compression noise differs at 5 s.
        func band(_ path: String, at seconds: String) -> [UInt8] {
            Array(
                MediaFixtures.runData(
                    "/usr/bin/env",
                    [
                        "ffmpeg", "-v", "error", "-i", path, "-ss", seconds, "-frames:v", "1", "-vf",
                        "crop=iw:ih/4:0:ih*3/4,format=gray", "-f", "rawvideo", "-",
                    ]
                )
            )
        }
        func difference(_ seconds: String) -> Double {
            let left = band(plain, at: seconds)
            let right = band(burnt, at: seconds)
            guard left.count == right.count, !left.isEmpty else { return .infinity }
            return Double(zip(left, right).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(left.count)
        }
        let withLine = difference("2")
        let withoutLine = difference("5")
        #expect(withLine > 2 && withLine > 4 * withoutLine, "mean difference \(withLine) with the line, \(withoutLine) without")
    }
}

/// Polls until `condition` holds (or fails after 20 s).
func eventually(_ condition: @escaping () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(20)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within 20 s")
}
