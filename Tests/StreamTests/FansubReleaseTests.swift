import Foundation
import TestMedia
import Testing

@testable import Stream

/// A fansub release as it ships (chapters, a dub and the Japanese audio, full and styled signs tracks, an attached
/// font) through the real probe, playlists and transcoder.
@Suite("fansub release through the stream pipeline")
struct FansubReleaseTests {
    @Test("the probe reads chapters, both audio tracks and what each subtitle track is")
    func probe() async throws {
        let info = try MediaProber().probe(path: await MediaFixtures.fansub)
        #expect(info.chapters.map(\.kind) == [.prologue, .opening, .episode, .ending, .preview])
        #expect(info.chapters.map(\.start) == [0, 4, 14, 22, 27])
        #expect(info.audio.map(\.language) == ["eng", "jpn"])
        #expect(info.subtitles.map(\.kind) == [.full, .signs])
        #expect(info.subtitles.map(\.styled) == [false, true])
        #expect(info.subtitles.map(\.events) == [14, 2])
        #expect(MasterPlaylist.subtitleNames(info.subtitles) == ["English — Full", "English — Signs & Songs (styled)"])
    }

    @Test(
        "the master playlist's defaults for three viewers",
        arguments: [
            (["jpn"], ["eng"], "a1", "s0"),
            (["eng"], ["eng"], "a0", "s1"),
            (["jpn"], [], "a1", nil),
        ] as [([String], [String], String, String?)]
    )
    func masterDefaults(audio: [String], subtitles: [String], defaultAudio: String, defaultSubtitle: String?) async throws {
        let file = await MediaFixtures.fansub
        let streams = try StreamServiceTests.service()
        let source = try StreamServiceTests.source(file, id: 1)
        let info = try await streams.info(source)
        let chosen = TrackDefaults(info: info, audioLanguages: audio, subtitleLanguages: subtitles)
        let playlist = try await streams.masterPlaylist(source, client: .init(audioTrack: chosen.audio, subtitleTrack: chosen.subtitle))
        let defaults = playlist.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-MEDIA:") && $0.contains("DEFAULT=YES") }
        #expect(defaults.count == 1 + (defaultSubtitle == nil ? 0 : 1), "\(playlist)")
        #expect(defaults.contains { $0.contains("URI=\"\(defaultAudio)/") }, "\(playlist)")
        if let defaultSubtitle {
            #expect(defaults.contains { $0.contains("URI=\"\(defaultSubtitle)/") && $0.contains("AUTOSELECT=YES") }, "\(playlist)")
        }
        #expect(playlist.contains(#"NAME="English — Signs & Songs (styled)""#))
    }

    /// The sign's box (ASS `\pos` in the 640x360 picture), scaled to a 240-line picture, as grey 4×4-pixel block means:
    /// a letter's shape counts, a pixel's worth of edge (compression, scaling) barely does.
    static func signRegion(_ path: String, at seconds: Double, filter: String? = nil) async -> [UInt8] {
        let box = MediaFixtures.signBox
        let crop = "crop=iw*\(box.width)/640:ih*\(box.height)/360:iw*\(box.x)/640:ih*\(box.y)/360"
        let filters = (filter.map { [$0, "scale=-2:240"] } ?? []) + [crop, "scale=iw/4:ih/4:flags=area", "format=gray"]
        return Array(
            await MediaFixtures.runData(
                "/usr/bin/env",
                [
                    "ffmpeg", "-v", "error", "-i", path, "-ss", "\(seconds)", "-frames:v", "1", "-vf", filters.joined(separator: ","),
                    "-f", "rawvideo", "-",
                ]
            )
        )
    }

    static func meanDifference(_ left: [UInt8], _ right: [UInt8]) -> Double {
        guard left.count == right.count, !left.isEmpty else { return .infinity }
        return Double(zip(left, right).reduce(0) { $0 + abs(Int($1.0) - Int($1.1)) }) / Double(left.count)
    }

    @Test("a styled track burns in with the file's attached font: the frame matches ffmpeg's own rendering, not the fallback")
    func styledBurnInUsesAttachedFont() async throws {
        let file = await MediaFixtures.fansub
        // The same file without its attachment: libass falls back to another font for "Anikura Test Face".
        let bare = MediaFixtures.directory + "/fansub-no-font-\(UUID().uuidString).mkv"
        await MediaFixtures.run("/usr/bin/env", ["ffmpeg", "-v", "error", "-y", "-i", file, "-map", "0", "-map", "-0:t", "-c", "copy", bare])
        defer { try? FileManager.default.removeItem(atPath: bare) }
        let streams = try StreamServiceTests.service(settings: StreamSettings(prefetchSegments: 0, transcodeHeight: 240))
        let source = try StreamServiceTests.source(file, id: 1)
        let segment = try await streams.segment(source, .video(.h264(height: 240, burnSubtitle: 1)), 0)
        let plain = try await streams.segment(source, .video(.h264(height: 240, burnSubtitle: nil)), 0)
        // Segment 0 starts at 0; at 2 s the sign shows (and no song line).
        let ours = await Self.signRegion(segment, at: 2)
        let withFont = await Self.signRegion(file, at: 2, filter: "subtitles=filename=\(file):si=1")
        let withoutFont = await Self.signRegion(bare, at: 2, filter: "subtitles=filename=\(bare):si=1")
        let unburnt = await Self.signRegion(plain, at: 2)
        let fromReference = Self.meanDifference(ours, withFont)
        let fontsApart = Self.meanDifference(withFont, withoutFont)
        let fromPlain = Self.meanDifference(ours, unburnt)
        // The sign is drawn (far from the plain picture), in the attached font (near ffmpeg's rendering with it), and the
        // font matters here (the fallback's rendering is far from it).
        #expect(fromPlain > 10, "burnt vs plain: \(fromPlain)")
        #expect(fontsApart > 8, "attached font vs fallback: \(fontsApart)")
        #expect(fromReference < fontsApart / 3, "ours vs ffmpeg with the font: \(fromReference); font vs fallback: \(fontsApart)")
    }
}
