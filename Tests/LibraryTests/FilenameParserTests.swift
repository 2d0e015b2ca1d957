import Foundation
import Testing

@testable import Library

@Suite("filename parser: edge cases")
struct FilenameParserTests {
    let parser = FilenameParser()

    @Test(
        "common episode forms",
        arguments: [
            ("[G] Show - 01 [720p].mkv", "01", nil as String?),
            ("[G] Show - 01v2 [720p].mkv", "01", "2"),
            ("[G] Show S01E02 [720p].mkv", "02", nil),
            ("Show 2x03.mkv", "03", nil),
            ("[G] Show - Episode 1 [720p].mkv", "1", nil),
            ("[G] Show E1 [720p].mkv", "1", nil),
            ("[G] Show #01 [720p].mkv", "01", nil),
            ("[G] Show - 07.5 [720p].mkv", "07.5", nil),
            ("[G] Show 第01話 [720p].mkv", "01", nil),
        ]
    )
    func episodeForms(name: String, episode: String, version: String?) {
        let parsed = parser.parse(name)
        #expect(parsed.first(.episode) == episode, "\(name)")
        #expect(parsed.first(.releaseVersion) == version, "\(name)")
        #expect(parsed.first(.title) == "Show", "\(name)")
    }

    @Test("ranges and alternative numbers")
    func rangesAndAlternatives() {
        #expect(parser.parse("[G] Show - 01-02 [720p].mkv")[.episode] == ["01", "02"])
        let alternative = parser.parse("[G] Show - 01 (176) [720p].mkv")
        #expect(alternative.first(.episode) == "01")
        #expect(alternative.first(.episodeAlt) == "176")
    }

    @Test("the tokenizer's constant boundary masks agree with the delimiter and bracket tables for every ASCII scalar")
    func boundaryMasks() {
        for value in UInt8(0)..<128 {
            let scalar = Unicode.Scalar(value)
            let expected = Delimiters.isDelimiter(scalar) || Delimiters.closer(for: scalar) != nil || Delimiters.isCloser(scalar)
            #expect(Delimiters.isBoundary(scalar) == expected, "scalar \(value)")
        }
        #expect(Delimiters.isBoundary("\u{3000}") && Delimiters.isBoundary("】") && !Delimiters.isBoundary("話"))
    }

    @Test("keyword lookups fold case, accept other delimiters in compound keywords, and leave other words alone")
    func lexemes() {
        let parsed = parser.parse("[G] Show - 01 [Dual_Audio][Multi.Sub][BD 1080p hevc][EPISODE].mkv")
        #expect(parsed[.audioTerm] == ["Dual_Audio"])
        #expect(parsed[.subtitles] == ["Multi.Sub"])
        #expect(parsed[.source] == ["BD"])
        #expect(parsed[.videoTerm] == ["hevc"])
        #expect(parsed[.type].isEmpty && parsed[.episode] == ["01"])
        let season = parser.parse("Show SECOND SEASON - 03.mkv")
        #expect(season.first(.season) == "2")
        #expect(season.first(.episode) == "03")
    }

    @Test("JSON uses Anitomy's names, a string per element, an array when repeated")
    func json() {
        let parsed = parser.parse("[UTW-TMD]_Summer_Wars_[BD][h264-720p][TrueHD5.1][9F311DAB].mkv")
        #expect(
            parsed.json
                == #"{"title": "Summer Wars", "release_group": "UTW-TMD", "video_resolution": "720p", "video_term": "h264", "audio_term": ["TrueHD", "5.1"], "source": "BD", "file_checksum": "9F311DAB", "file_extension": "mkv"}"#
        )
        #expect(ParsedFilename.quote("a\"b\\c\u{1}") == #""a\"b\\c\u0001""#)
        #expect(ParsedFilename.quote("t\tn\nr\r\u{1F} ä「」") == #""t\tn\nr\r\u001f ä「」""#)
    }

    static let hostile: [String] = [
        "", " ", "_", "....", "- - - -", "[", "]", "[[[[[[", "))))((((", "[]", "()", "[ ]", "【】「」『』",
        String(repeating: "[", count: 5000), String(repeating: "a_", count: 5000), String(repeating: "01-", count: 4000),
        String(repeating: "Ep.", count: 3000), "🎉🎉 [Group] Show - 01 🎉.mkv", "[Группа] Шоу - 01 [1080p].mkv",
        "[字幕组] 番组 第01話 [1080p].mp4", "\u{FFFD}\u{FFFD}[\u{FFFD}] x - 01.mkv", "\u{0}\u{1}\u{7F}.mkv", ".mkv",
        "mkv", "a.b.c.d.e.f.g.h", "S01E", "E", "#", "第話", "01v", "v2", "Vol.", "Season", "2nd Season", "1-", "-1",
        "99999999999999999999", "[G] S99999E99999.mkv", "x\u{0301}\u{0301}\u{0301} - 01",
    ]

    @Test("hostile names never crash, hang or leave the name", arguments: hostile)
    func hostileNames(name: String) {
        let parsed = parser.parse(name)
        for element in FilenameElement.allCases {
            for value in parsed[element] { #expect(!value.isEmpty) }
        }
        #expect(parsed.json.hasPrefix("{"))
    }

    @Test("a 10,000-character name is cut, not parsed whole")
    func longName() {
        let name = "[Group] " + String(repeating: "Very Long Title ", count: 700) + "- 01 [1080p].mkv"
        let start = ContinuousClock.now
        let parsed = parser.parse(name)
        #expect(ContinuousClock.now - start < .seconds(2))
        #expect(parsed.first(.releaseGroup) == "Group")
    }

    @Test("names read from disk with invalid UTF-8 parse with replacement characters")
    func invalidUTF8() {
        let bytes: [UInt8] = Array("[Grp] Sh".utf8) + [0xFF, 0xFE, 0xC3] + Array("ow - 05 [720p].mkv".utf8)
        let parsed = parser.parse(String(decoding: bytes, as: UTF8.self))
        #expect(parsed.first(.episode) == "05")
        #expect(parsed.first(.releaseGroup) == "Grp")
    }

    @Test("fuzz: a million random and mutated names")
    func fuzz() throws {
        var generator = SplitMix64(seed: 0x414E_494B_5552_41)
        let seeds = try AnitomyConformanceTests.cases().map(\.input)
        let alphabet = Array("abcXYZ0123456789 _.-+&,|~[](){}「」【】（）#第話期vVSEsepx×'\"!?@☆★é漢🎉\u{FFFD}\u{0}\u{3000}")
        let count = Int(ProcessInfo.processInfo.environment["ANIKURA_FUZZ_COUNT"] ?? "") ?? 1_000_000
        var slowest = Duration.zero
        var slowestName = ""
        for round in 0..<count {
            var name: [Character]
            if round % 2 == 0 {
                // Random soup of the characters the parser cares about.
                name = (0..<Int(generator.next() % 80)).map { _ in alphabet[Int(generator.next() % UInt64(alphabet.count))] }
            } else {
                // A real name with a few characters replaced, inserted or removed.
                name = Array(seeds[Int(generator.next() % UInt64(seeds.count))])
                for _ in 0..<(1 + Int(generator.next() % 4)) where !name.isEmpty {
                    let position = Int(generator.next() % UInt64(name.count))
                    switch generator.next() % 3 {
                    case 0: name[position] = alphabet[Int(generator.next() % UInt64(alphabet.count))]
                    case 1: name.insert(alphabet[Int(generator.next() % UInt64(alphabet.count))], at: position)
                    default: name.remove(at: position)
                    }
                }
            }
            let started = ContinuousClock.now
            let parsed = parser.parse(String(name))
            let took = ContinuousClock.now - started
            if took > slowest { (slowest, slowestName) = (took, String(name)) }
            let values = parsed.values.values.flatMap { $0 }
            if values.contains(where: \.isEmpty) { Issue.record("empty value for \(String(name))") }
            // Every value is made of the name's own characters: nothing invented, nothing run past the end.
            if let value = values.first(where: { $0.count > name.count }) {
                Issue.record("value \(value) is longer than the name \(String(name))")
            }
        }
        // No name makes the parser backtrack or loop: a blow-up on an 80-character name takes seconds, a parse microseconds;
        // the bound is loose so a busy machine pausing the test cannot fail it.
        #expect(slowest < .seconds(1), "slowest: \(slowest) for \(slowestName)")
    }
}

/// A small, fast, seedable generator, so a fuzz failure can be replayed.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
