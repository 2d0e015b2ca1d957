import Foundation
import GRDB
import Stream
import TestMedia
import Testing

@Suite("Media probe")
struct MediaProberTests {
    @Test("H.264/AAC Matroska: streams, language and the keyframes from its Cues")
    func h264() async throws {
        let h264File = await MediaFixtures.h264
        let info = try MediaProber().probe(path: h264File)
        #expect(info.container.contains("matroska"))
        #expect(abs(info.duration - 30) < 0.2)
        let video = try #require(info.video)
        #expect(video.codec == "h264")
        #expect(video.profile == "High")
        #expect(video.bitDepth == 8)
        #expect(video.width == 640 && video.height == 360)
        #expect(abs(video.frameRate - 24) < 0.01)
        #expect(info.audio.map(\.codec) == ["aac"])
        #expect(info.audio.first?.language == "jpn")
        #expect(info.audio.first?.channels == 1)
        #expect(info.keyframesFromIndex)
        // A keyframe every 2 s; ffprobe reads the same times from the packets.
        let fromPackets = await MediaFixtures.packets(h264File).filter { $0.stream == 0 && $0.key }.map(\.pts)
        #expect(info.keyframes.count == 15)
        #expect(zip(info.keyframes, fromPackets).allSatisfy { abs($0 - $1) < 0.0015 })
    }

    @Test("10-bit HEVC with FLAC and an ASS track")
    func hevc() async throws {
        let hevcFile = await MediaFixtures.hevc
        let info = try MediaProber().probe(path: hevcFile)
        let video = try #require(info.video)
        #expect(video.codec == "hevc")
        #expect(video.bitDepth == 10)
        #expect(info.audio.map(\.codec) == ["flac"])
        #expect(info.subtitles.count == 1)
        #expect(info.subtitles[0].codec == "ass")
        #expect(info.subtitles[0].isText)
        #expect(info.subtitles[0].language == "eng")
        #expect(info.subtitles[0].title == "Full subtitles")
    }

    @Test("a Matroska file without Cues still has every keyframe found")
    func unindexed() async throws {
        let unindexedFile = await MediaFixtures.unindexed
        let info = try MediaProber().probe(path: unindexedFile)
        let fromPackets = await MediaFixtures.packets(unindexedFile).filter { $0.stream == 0 && $0.key }.map(\.pts)
        #expect(fromPackets.count == 10)
        #expect(info.keyframes.count == fromPackets.count)
        #expect(zip(info.keyframes, fromPackets).allSatisfy { abs($0 - $1) < 0.0015 })
    }

    @Test("what is not media gets a clear error, not a crash")
    func badInput() async throws {
        let h264File = await MediaFixtures.h264
        let text = MediaFixtures.directory + "/not-media.mkv"
        try "just text".write(toFile: text, atomically: true, encoding: .utf8)
        #expect(throws: StreamError.self) { try MediaProber().probe(path: text) }
        // The decode check the HTTP tests rely on does speak up.
        #expect(!(await MediaFixtures.decodeErrors(text)).isEmpty)
        #expect(throws: StreamError.self) { try MediaProber().probe(path: MediaFixtures.directory + "/missing.mkv") }
        #expect(throws: StreamError.self) { try MediaProber().probe(path: "concat:\(h264File)|\(h264File)") }
        // Half a file: libavformat reads what is there, or says why not; never a crash.
        let data = try Data(contentsOf: URL(fileURLWithPath: h264File))
        let truncated = MediaFixtures.directory + "/truncated.mkv"
        try data.prefix(data.count / 3).write(to: URL(fileURLWithPath: truncated))
        _ = try? MediaProber().probe(path: truncated)
    }
}

@Suite("Probe cache")
struct ProbeCacheTests {
    @Test("a probe is stored, reused while the file is unchanged, and redone when it changes")
    func refresh() async throws {
        let h264File = await MediaFixtures.h264
        let hevcFile = await MediaFixtures.hevc
        let database = try StreamServiceTests.database()
        let cache = ProbeCache(writer: database)
        let path = MediaFixtures.directory + "/changing-\(UUID().uuidString).mkv"
        func source() throws -> StreamSource { try StreamServiceTests.source(path, id: 1) }
        try FileManager.default.copyItem(atPath: h264File, toPath: path)
        let first = try cache.info(for: try source())
        #expect(first.video?.codec == "h264")
        let rows = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM streamProbe") }
        #expect(rows == 1)
        // Unchanged: the stored probe is used (a row made up here proves it is read, not probed again).
        var stored = first
        stored.bitRate = 12345
        let json = String(decoding: try JSONEncoder().encode(stored), as: UTF8.self)
        try await database.write { try $0.execute(sql: "UPDATE streamProbe SET info = ?", arguments: [json]) }
        #expect(try cache.info(for: try source()).bitRate == 12345)
        // Replaced by another file: probed again.
        try FileManager.default.removeItem(atPath: path)
        try FileManager.default.copyItem(atPath: hevcFile, toPath: path)
        let second = try cache.info(for: try source())
        #expect(second.video?.codec == "hevc")
        let rowsAfter = try await database.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM streamProbe") }
        #expect(rowsAfter == 1)
    }
}
