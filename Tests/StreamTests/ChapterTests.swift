import Foundation
import Stream
import TestMedia
import Testing

/// Chapters: what each is from its name, and chapters as files really hold them (overlapping, past the end, with
/// empty or huge names) made usable.
@Suite("chapters")
struct ChapterTests {
    /// Real chapter names and what they are. Where they come from:
    /// - intro-skipper #177 (ConfusedPolarBear/intro-skipper): "prologue, opening, part A, part B, ending, preview" as
    ///   fansub releases chapter an episode;
    /// - po5/chapterskip's categories, quoted in seanime #882: `^OP$`, `^Opening$`, `^Intro$`, `^ED$`, `^Ending$`,
    ///   `^Credits$`, `^PV$`, `^Preview$`;
    /// - seanime #664: "Opening, Ending, Intro, Outro, Credits, End Credits";
    /// - plezy #1807 and #459: "Intro", "Introduction", "Opening", "OP", "OP 1", "Cold Open", "Titles", "Main",
    ///   "Credits", "Epilogue";
    /// - Japanese Blu-ray chapter menus (the issue's own list): オープニング, エンディング, 予告, 次回予告, アバン.
    static let names: [(String, ChapterKind)] = [
        ("Prologue", .prologue), ("Opening", .opening), ("Part A", .episode), ("Part B", .episode), ("Ending", .ending),
        ("Preview", .preview), ("OP", .opening), ("Intro", .opening), ("ED", .ending), ("Credits", .ending), ("PV", .preview),
        ("Outro", .ending), ("End Credits", .ending), ("Introduction", .opening), ("OP 1", .opening), ("OP1", .opening),
        ("OP2", .opening), ("Cold Open", .prologue), ("Titles", .episode), ("Main", .episode), ("Epilogue", .episode),
        ("オープニング", .opening), ("エンディング", .ending), ("予告", .preview), ("次回予告", .preview), ("アバン", .prologue),
        ("Avant", .prologue), ("Avant Title", .prologue), ("Next Episode", .preview), ("Next Episode Preview", .preview),
        ("Yokoku", .preview), ("Recap", .recap), ("Previously on", .recap), ("OPENING", .opening), ("opening song", .opening),
        ("ED - Kawaki wo Ameku", .ending), ("OP: Unravel", .opening), ("Eyecatch", .episode), ("Chapter 01", .episode),
        ("Operation Meteor", .episode), ("Education", .episode), ("Opening Credits", .opening), ("Ending + Preview", .preview),
    ]

    @Test("each name's kind, case-insensitive; no name is part of the episode")
    func kinds() {
        for (name, kind) in Self.names {
            #expect(ChapterKind(title: name) == kind, "\(name)")
        }
        #expect(ChapterKind(title: nil) == .episode && ChapterKind(title: "") == .episode)
    }

    @Test("overlapping, out of order, past the end, empty and huge names: a usable list")
    func normalised() {
        let huge = String(repeating: "あ", count: 5000)
        let chapters = Chapter.normalised(
            [
                Chapter(title: "Part A", start: 90, end: 700),
                Chapter(title: "  Opening  ", start: 5, end: 95),
                Chapter(title: "", start: 0, end: 5),
                Chapter(title: huge, start: 700, end: 1300),
                Chapter(title: "Preview", start: 1400, end: 1600),
                Chapter(title: "Nothing", start: 2000, end: 2100),
                Chapter(title: "Backwards", start: 50, end: 10),
                Chapter(title: "NaN", start: .nan, end: 3),
            ],
            duration: 1420
        )
        #expect(chapters.map(\.title) == [nil, "Opening", "Part A", String(huge.prefix(200)) + "…", "Preview"])
        #expect(chapters.map(\.start) == [0, 5, 90, 700, 1400])
        #expect(chapters.map(\.end) == [5, 90, 700, 1300, 1420], "overlaps end where the next begins; nothing runs past the end")
        #expect(Chapter.normalised([], duration: 10).isEmpty)
    }

    @Test("a Matroska file's chapters through the real probe: times, names, kinds")
    func probed() async throws {
        let source = await MediaFixtures.h264
        let metadata = MediaFixtures.directory + "/chapters-\(UUID().uuidString).txt"
        let output = MediaFixtures.directory + "/chapters-\(UUID().uuidString).mkv"
        try """
        ;FFMETADATA1
        [CHAPTER]
        TIMEBASE=1/1000
        START=0
        END=2000
        title=Avant
        [CHAPTER]
        TIMEBASE=1/1000
        START=2000
        END=9000
        title=OP
        [CHAPTER]
        TIMEBASE=1/1000
        START=8000
        END=24000
        title=Part A
        [CHAPTER]
        TIMEBASE=1/1000
        START=24000
        END=28000
        title=ED
        [CHAPTER]
        TIMEBASE=1/1000
        START=28000
        END=45000
        title=Next Episode Preview

        """.write(toFile: metadata, atomically: true, encoding: .utf8)
        _ = await MediaFixtures.run(
            "/usr/bin/env",
            ["ffmpeg", "-v", "error", "-y", "-i", source, "-i", metadata, "-map", "0", "-map_chapters", "1", "-c", "copy", output]
        )
        let info = try MediaProber().probe(path: output)
        #expect(info.chapters.map(\.title) == ["Avant", "OP", "Part A", "ED", "Next Episode Preview"])
        #expect(info.chapters.map(\.kind) == [.prologue, .opening, .episode, .ending, .preview])
        #expect(info.chapters.map { ($0.start * 1000).rounded() } == [0, 2000, 8000, 24000, 28000])
        #expect(info.chapters[1].end == 8, "the opening ends where part A begins")
        #expect(abs((info.chapters.last?.end ?? 0) - info.duration) < 0.01, "the preview ends with the file")
        // The fixture without chapters has none: nothing is guessed.
        #expect(try MediaProber().probe(path: source).chapters.isEmpty)
    }
}
