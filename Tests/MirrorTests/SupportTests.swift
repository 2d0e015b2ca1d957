import Foundation
import Testing

@testable import Mirror

@Suite("support: normalising, gzip, dates, zip")
struct SupportTests {
    @Test(
        "titles normalise case, accents, punctuation and width",
        arguments: [
            ("Shinseiki Evangelion", "shinseiki evangelion"),
            ("SHINSEIKI-EVANGELION!", "shinseiki evangelion"),
            ("Pokémon: Mewtwo Strikes Back", "pokemon mewtwo strikes back"),
            ("Kino's Journey", "kinos journey"),
            ("  spaced   out  ", "spaced out"),
            ("星界の紋章", "星界の紋章"),
            ("ＦＵＬＬ Width", "full width"),
        ]
    )
    func normalise(input: String, expected: String) {
        #expect(TitleNormalizer.normalize(input) == expected)
    }

    @Test("gzip round trip, and corrupt or truncated input is an error")
    func gzip() throws {
        let input = Fixtures.anime(1)
        let compressed = try Gzip.compress(input)
        #expect(Gzip.isGzip(compressed))
        #expect(compressed.count < input.count / 2)
        #expect(try Gzip.decompress(compressed) == input)
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(Array(compressed.prefix(compressed.count / 2))) }
        #expect(throws: Gzip.Error.self) { try Gzip.decompress([0x1f, 0x8b, 1, 2, 3, 4, 5, 6, 7, 8, 9]) }
        #expect(throws: Gzip.Error.self) { try Gzip.decompress(compressed, limit: 1000) }
    }

    @Test("AniDB dates become Unix times")
    func dates() {
        #expect(AniDBDate.unixTime("1970-01-01") == 0)
        #expect(AniDBDate.unixTime("2017-04-17") == 1_492_387_200)
        #expect(AniDBDate.unixTime("2017-13-01") == nil)
        #expect(AniDBDate.unixTime("1998-07") == nil)
    }

    @Test(
        "seed file names give aids",
        arguments: [
            ("1.xml", 1), ("AnimeDoc_959.xml", 959), ("dir/AnimeDoc_22.XML", 22), ("0.xml", nil), ("x1.xml", nil),
            ("AnimeDoc_.xml", nil), ("12345678901.xml", nil), ("1.json", nil), ("-1.xml", nil),
        ] as [(String, Int?)]
    )
    func fileNames(name: String, aid: Int?) {
        #expect(SeedSource.aid(fromFileName: name) == aid)
    }

    @Test("zip archives are read entry by entry")
    func zipEntries() throws {
        let archive = ZipArchive(path: Fixtures.url("Anime_HTTP.zip").path)
        let entries = try archive.entries()
        #expect(
            entries.map(\.name) == [
                "Anime_HTTP/AnimeDoc_1.xml", "Anime_HTTP/AnimeDoc_959.xml",
                "Anime_HTTP/AnimeDoc_2.xml", "Anime_HTTP/readme.txt",
            ]
        )
        #expect(try archive.read(entries[0], limit: 1 << 20) == Fixtures.anime(1))
        #expect(entries[0].modifiedAt == Double(AniDBDate.daysFromCivil(year: 2021, month: 3, day: 4) * 86_400 + 5 * 3600 + 6 * 60 + 8))
        #expect(throws: Mirror.DocumentError.self) { try archive.read(entries[0], limit: 100) }
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write("broken.zip", Array("PK not really a zip".utf8))
        #expect(throws: ZipArchive.Error.self) { try ZipArchive(path: directory.path + "/broken.zip").entries() }
    }
}

@Suite("JSON texts")
struct JSONTextTests {
    @Test("strings, arrays and pairs are valid JSON that round-trips")
    func roundTrip() throws {
        let tricky = "quote \" backslash \\ tab \t newline \n bell \u{7} 星界 é"
        let pairs = JSONText.pairs([("en", tricky), ("ja", "星界の紋章"), ("en", "")])
        let decoded = try JSONDecoder().decode([[String]].self, from: Data(pairs.utf8))
        #expect(decoded == [["en", tricky], ["ja", "星界の紋章"], ["en", ""]])
        #expect(try JSONDecoder().decode([String].self, from: Data(JSONText.array(["a", tricky]).utf8)) == ["a", tricky])
        #expect(JSONText.array([]) == "[]" && JSONText.pairs([]) == "[]")
        #expect(try JSONDecoder().decode(String.self, from: Data(JSONText.string(tricky).utf8)) == tricky)
    }

    @Test("escapes are exact at the start, middle and end of a text, and clean texts are copied whole")
    func exactEscapes() {
        #expect(JSONText.string("\"a\\b\u{1}") == #""\"a\\b\u0001""#)
        #expect(JSONText.string("\u{1F}x\"") == #""\u001fx\"""#)
        #expect(JSONText.string("") == #""""#)
        #expect(JSONText.string("plain 星界") == #""plain 星界""#)
        #expect(JSONText.pairs([("a", "b"), ("c", "d")]) == #"[["a","b"],["c","d"]]"#)
    }
}
