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

/// Real ffmpeg, except that making segment 1 first waits a minute (cancellably): a prefetch caught in progress.
final class SlowPrefetchFFmpeg: MediaTool {
    let prefetchStarted = Mutex(false)
    let prefetchCancelled = Mutex(false)
    let inner = FFmpegTool()

    func ffmpeg(_ arguments: [String]) async throws(StreamError) {
        if let output = arguments.last, output.hasSuffix("/1.ts.part") || output.hasSuffix("/1.enc.ts.part") {
            prefetchStarted.withLock { $0 = true }
            do {
                try await Task.sleep(for: .seconds(60))
            } catch {
                prefetchCancelled.withLock { $0 = true }
                throw .production("cancelled")
            }
        }
        try await inner.ffmpeg(arguments)
    }
}

/// Real ffmpeg once released: each run waits until the test opens the gate.
final class GatedFFmpeg: MediaTool {
    let started = Mutex(0)
    let open = Mutex(false)
    let inner = FFmpegTool()

    func ffmpeg(_ arguments: [String]) async throws(StreamError) {
        started.withLock { $0 += 1 }
        while !open.withLock({ $0 }) { try? await Task.sleep(for: .milliseconds(10)) }
        try await inner.ffmpeg(arguments)
    }
}

@Suite("Stream service")
struct StreamServiceTests {
    static func service(
        tool: any MediaTool = FFmpegTool(),
        settings: StreamSettings = StreamSettings(transcodeHeight: 240)
    ) throws -> StreamService {
        let database = try Self.database()
        let root = MediaFixtures.directory + "/cache-\(UUID().uuidString)"
        return StreamService(
            probes: ProbeCache(writer: database),
            cache: SegmentCache(root: root, capacityBytes: 1 << 30),
            tool: tool,
            settings: settings,
            logger: Logger(label: "test")
        )
    }

    /// An in-memory database with the stream module's table.
    static func database() throws -> DatabaseQueue {
        var migrator = DatabaseMigrator()
        StreamSchema.registerMigrations(in: &migrator)
        let database = try DatabaseQueue()
        try migrator.migrate(database)
        return database
    }

    /// A source for a file as it is on disk now.
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
        let hevcFile = await MediaFixtures.hevc
        let tool = CountingFFmpeg()
        let streams = try Self.service(tool: tool, settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let source = try Self.source(hevcFile, id: 1)
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

    @Test("a player that stops waiting (a shutdown, a cancelled request) leaves at once; the segment is still made once")
    func waitingPlayerLeaves() async throws {
        let hevcFile = await MediaFixtures.hevc
        let tool = GatedFFmpeg()
        let streams = try Self.service(tool: tool, settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let source = try Self.source(hevcFile, id: 1)
        let rendition = Rendition.video(.h264(height: 240, burnSubtitle: nil))
        let waiting = Task { try await streams.segment(source, rendition, 0) }
        try await eventually { tool.started.withLock { $0 } == 1 }
        waiting.cancel()
        // Answered while ffmpeg is still held: the wait does not outlast the player.
        await #expect(throws: StreamError.cancelled) { try await waiting.value }
        #expect(tool.open.withLock { !$0 })
        tool.open.withLock { $0 = true }
        let path = try await streams.segment(source, rendition, 0)
        #expect(FileManager.default.fileExists(atPath: path))
        #expect(tool.started.withLock { $0 } == 1, "the segment in production was finished, not started again")
    }

    @Test("after a request the next segments are made ahead")
    func prefetch() async throws {
        let hevcFile = await MediaFixtures.hevc
        let tool = CountingFFmpeg()
        let streams = try Self.service(tool: tool, settings: StreamSettings(prefetchSegments: 1, transcodeHeight: 240))
        let source = try Self.source(hevcFile, id: 1)
        let rendition = Rendition.audio(0)  // FLAC: transcoded to AAC by ffmpeg, segment by segment.
        let first = try await streams.segment(source, rendition, 0)
        let second = first.replacingOccurrences(of: "/0.ts", with: "/1.ts")
        try await eventually { FileManager.default.fileExists(atPath: second) }
        _ = try await streams.segment(source, rendition, 1)
        #expect(tool.runs.withLock { $0 } == 2, "segment 1 came from the prefetch")
    }

    @Test("a seek abandons the prefetch in progress: its ffmpeg is stopped and the wanted segment is made at once")
    func seekPreemptsPrefetch() async throws {
        let hevcFile = await MediaFixtures.hevc
        let tool = SlowPrefetchFFmpeg()
        let streams = try Self.service(tool: tool, settings: StreamSettings(prefetchSegments: 1, transcodeHeight: 240))
        let source = try Self.source(hevcFile, id: 1)
        let rendition = Rendition.audio(0)
        let first = try await streams.segment(source, rendition, 0)
        try await eventually { tool.prefetchStarted.withLock { $0 } }
        let started = ContinuousClock.now
        _ = try await streams.segment(source, rendition, 2)
        #expect(ContinuousClock.now - started < .seconds(50), "not held up by the 60 s prefetch")
        #expect(tool.prefetchCancelled.withLock { $0 })
        #expect(!FileManager.default.fileExists(atPath: first.replacingOccurrences(of: "/0.ts", with: "/1.ts")))
    }

    @Test("beyond hls.max_sessions transcodes a new one is refused with a retry time; idle ones free their slot")
    func sessionLimit() async throws {
        let h264File = await MediaFixtures.h264
        let hevcFile = await MediaFixtures.hevc
        let streams = try Self.service(
            settings: StreamSettings(maxTranscodes: 1, prefetchSegments: 0, transcodeHeight: 240, idleSeconds: 5)
        )
        let hevc = try Self.source(hevcFile, id: 1)
        let h264 = try Self.source(h264File, id: 2)
        let transcode = Rendition.video(.h264(height: 240, burnSubtitle: nil))
        _ = try await streams.segment(hevc, transcode, 0)
        #expect(await streams.activeTranscodes() == 1)
        await #expect(throws: StreamError.busy(retryAfter: 2)) { try await streams.segment(h264, transcode, 0) }
        // Remuxing is never limited.
        _ = try await streams.segment(h264, .video(.copy), 0)
        try await Task.sleep(for: .milliseconds(5200))
        await streams.sweepIdleProducers()
        #expect(await streams.activeTranscodes() == 0)
        _ = try await streams.segment(h264, transcode, 0)
    }

    @Test("only renditions the file has: no made-up heights, tracks or segment numbers")
    func validation() async throws {
        let hevcFile = await MediaFixtures.hevc
        let streams = try Self.service()
        let hevc = try Self.source(hevcFile, id: 1)
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
        let hevcFile = await MediaFixtures.hevc
        let streams = try Self.service(settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let hevc = try Self.source(hevcFile, id: 1)
        let plain = try await streams.segment(hevc, .video(.h264(height: 240, burnSubtitle: nil)), 0)
        let burnt = try await streams.segment(hevc, .video(.h264(height: 240, burnSubtitle: 0)), 0)
        // At 2 s "First line" is on screen in one and not the other; at 5 s no line is. Compare the bottom
        // quarter of the picture, where libass draws, as grey pixels: only compression noise differs at 5 s.
        func band(_ path: String, at seconds: String) async -> [UInt8] {
            Array(
                await MediaFixtures.runData(
                    "/usr/bin/env",
                    [
                        "ffmpeg", "-v", "error", "-i", path, "-ss", seconds, "-frames:v", "1", "-vf",
                        "crop=iw:ih/4:0:ih*3/4,format=gray", "-f", "rawvideo", "-",
                    ]
                )
            )
        }
        func difference(_ seconds: String) async -> Double {
            let left = await band(plain, at: seconds)
            let right = await band(burnt, at: seconds)
            guard left.count == right.count, !left.isEmpty else { return .infinity }
            return Double(zip(left, right).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(left.count)
        }
        let withLine = await difference("2")
        let withoutLine = await difference("5")
        #expect(withLine > 2 && withLine > 4 * withoutLine, "mean difference \(withLine) with the line, \(withoutLine) without")
    }
}

/// Polls until `condition` holds (or fails after 60 s: CI machines are busy).
func eventually(_ condition: @escaping () async -> Bool) async throws {
    let deadline = ContinuousClock.now + .seconds(60)
    while ContinuousClock.now < deadline {
        if await condition() { return }
        try await Task.sleep(for: .milliseconds(20))
    }
    Issue.record("condition not met within 60 s")
}

@Suite("ffmpeg boundary")
struct FFmpegToolTests {
    @Test("cancelling the task stops ffmpeg; a failing run reports ffmpeg's own words")
    func cancelAndFail() async throws {
        let tool = FFmpegTool()
        let endless = Task {
            try await tool.ffmpeg(["-re", "-f", "lavfi", "-i", "testsrc2=size=64x64:rate=10", "-f", "null", "-"])
        }
        try await Task.sleep(for: .milliseconds(500))
        endless.cancel()
        // The source is endless: the run returns only because cancelling killed ffmpeg.
        _ = await endless.result
        let ps = await MediaFixtures.run("/bin/sh", ["-c", "ps -eo args | grep -c '[t]estsrc2=size=64x64' || true"])
        #expect(ps.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
        await #expect(throws: StreamError.self) { try await tool.ffmpeg(["-i", "/nonexistent/file.mkv", "-f", "null", "-"]) }
        do {
            try await tool.ffmpeg(["-i", "/nonexistent/file.mkv", "-f", "null", "-"])
        } catch {
            #expect(error.description.contains("No such file or directory"))
        }
        await #expect(throws: StreamError.self) { try await FFmpegTool(executable: "/nonexistent/ffmpeg").ffmpeg(["-version"]) }
    }
}

extension StreamServiceTests {
    @Test("a burnt-in PGS track is laid over the transcoded picture, also in a segment that starts while it shows")
    func bitmapBurnIn() async throws {
        let file = await MediaFixtures.hevcWithPGS
        let streams = try Self.service(settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let source = try Self.source(file, id: 1)
        let info = try await streams.info(source)
        #expect(info.subtitles.first?.codec == "hdmv_pgs_subtitle" && info.subtitles.first?.isBitmap == true)
        // Not offered as WebVTT, but can be burnt in.
        #expect(!MasterPlaylist.make(info: info, decision: streams.decision(info, client: .init())).contains("TYPE=SUBTITLES"))
        #expect(streams.decision(info, client: .init(burnSubtitle: 0)).video == .h264(height: 240, burnSubtitle: 0))
        // The box's middle, as grey pixels: a mean difference from the plain picture means the box is drawn.
        let box = MediaFixtures.pgsBox
        let crop = "crop=iw*\(box.width / 2)/640:ih*\(box.height / 2)/360:iw*\(box.x + box.width / 4)/640:ih*\(box.y + box.height / 4)/360"
        func region(_ path: String, at seconds: Double) async -> [UInt8] {
            Array(
                await MediaFixtures.runData(
                    "/usr/bin/env",
                    ["ffmpeg", "-v", "error", "-i", path, "-ss", "\(seconds)", "-frames:v", "1", "-vf", crop + ",format=gray", "-f", "rawvideo", "-"]
                )
            )
        }
        var shown: [String] = []
        for index in 0..<2 {
            let plain = try await streams.segment(source, .video(.h264(height: 240, burnSubtitle: nil)), index)
            let burnt = try await streams.segment(source, .video(.h264(height: 240, burnSubtitle: 0)), index)
            for offset in [0.5, 1.5, 2.5, 3.5, 4.5, 5.5] {
                let left = await region(plain, at: offset)
                let right = await region(burnt, at: offset)
                let time = Double(index * 6) + offset
                guard left.count == right.count, !left.isEmpty else {
                    Issue.record("no frame at \(time) s")
                    continue
                }
                var total = 0
                for (a, b) in zip(left, right) { total += abs(Int(a) - Int(b)) }
                let difference = Double(total) / Double(left.count)
                if difference > 40 { shown.append("\(time)") }
            }
        }
        // The cues: 2–4 s and 5–8 s. 6.5 s and 7.5 s are in the second segment, which starts while the box shows.
        #expect(shown == ["2.5", "3.5", "5.5", "6.5", "7.5"])
    }
}
