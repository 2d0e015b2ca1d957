import Foundation
import Testing

@testable import Mirror

@Suite("AniDB document parser")
struct DocumentParserTests {
    let parser = AnimeDocumentParser()

    @Test("every real fixture parses with its own aid", arguments: Fixtures.modernAIDs + Fixtures.legacyAIDs)
    func parsesEveryFixture(aid: Int) throws {
        let doc = try parser.parse(Fixtures.anime(aid), expectedAID: aid)
        #expect(doc.aid == aid)
        #expect(!doc.titles.isEmpty)
        #expect(doc.mainTitle != nil)
    }

    @Test("aid 1 is shredded completely")
    func shredsAnime1() throws {
        let doc = try parser.parse(Fixtures.anime(1))
        #expect(doc.type == "TV Series")
        #expect(doc.episodeCount == 13)
        #expect(doc.startDate == "1999-01-03")
        #expect(doc.endDate == "1999-03-28")
        #expect(doc.isRestricted == false)
        #expect(doc.mainTitle == "Seikai no Monshou")
        #expect(doc.titles.count == 9)
        #expect(doc.titles.contains(.init(language: "ja", type: "official", text: "星界の紋章")))
        #expect(
            doc.relations == [
                .init(aid: 4, type: "Sequel", title: "Seikai no Senki"),
                .init(aid: 6, type: "Prequel", title: "Seikai no Danshou: Tanjou"),
                .init(aid: 1623, type: "Summary", title: "Seikai no Monshou Tokubetsu Hen"),
            ]
        )
        let military = try #require(doc.tags.first { $0.id == 36 })
        #expect(military.name == "military")
        #expect(military.parentId == 2607)
        #expect(military.weight == 300)
        #expect(military.verified)
        #expect(military.kind == "tag")
        #expect(doc.ratings.first { $0.kind == "permanent" } == .init(kind: "permanent", value: 8.17, count: 4303))
        #expect(doc.episodes.count == 16)
        let first = try #require(doc.episodes.first { $0.id == 1 })
        #expect(first.number == "1")
        #expect(first.type == .regular)
        #expect(first.length == 25)
        #expect(first.airDate == "1999-01-03")
        #expect(first.titles.contains(.init(language: "en", text: "Invasion")))
        #expect(doc.episodes.filter { $0.type == .credit }.count == 3)
        #expect(doc.resources.contains(.init(type: 2, identifiers: ["290"], url: nil)))
        #expect(doc.resources.contains(.init(type: 3, identifiers: ["376", "xzudnt"], url: nil)))
        #expect(doc.resources.first { $0.type == 2 }?.site == "MyAnimeList")
        #expect(doc.creators.contains(.init(id: 4495, type: "Original Work", name: "Morioka Hiroyuki")))
        #expect(doc.newestUpdate == "2017-04-17")
        #expect(doc.description?.hasPrefix("* Based on the sci-fi novel") == true)
    }

    @Test("episode types cover specials, credits, trailers and parodies")
    func episodeTypes() throws {
        let doc = try parser.parse(Fixtures.anime(22))
        let types = Set(doc.episodes.map(\.type))
        #expect(types.isSuperset(of: [.regular, .special, .credit, .trailer, .parody]))
        #expect(doc.episodes.contains { $0.number.hasPrefix("S") && $0.type == .special })
    }

    @Test("restricted flag and adult tags")
    func restricted() throws {
        let adult = try parser.parse(Fixtures.anime(11021))
        #expect(adult.isRestricted)
        #expect(adult.isAdult)
        #expect(adult.tags.contains { $0.name == "18 restricted" })
        #expect(try parser.parse(Fixtures.anime(1)).isAdult == false)
    }

    @Test("pre-2015 schema: categories, old tags, partial dates, no episodes, BOM")
    func legacySchema() throws {
        let kite = try parser.parse(Fixtures.anime(314))
        #expect(kite.isRestricted)
        #expect(kite.tags.contains { $0.kind == "category" && $0.name == "18 Restricted" && $0.weight == 600 })
        #expect(kite.tags.contains { $0.kind == "tag" })
        #expect(kite.relations.map(\.type) == ["Same Setting", "Character"])
        let partial = try parser.parse(Fixtures.anime(5081))
        #expect(partial.startDate == "1982-10")
        #expect(partial.endDate == "1983")
        #expect(try parser.parse(Fixtures.anime(6022)).episodes.isEmpty)
        #expect(Fixtures.anime(4726).starts(with: [0xEF, 0xBB, 0xBF]))
        #expect(try parser.parse(Fixtures.anime(4726)).aid == 4726)
        #expect(try parser.parse(Fixtures.anime(9771)).endDate == nil)
    }

    @Test("entities and character references are decoded")
    func entities() throws {
        let xml = Array("<anime id=\"7\"><titles><title xml:lang=\"en\" type=\"main\">Tom &amp; Jerry &#x2665; &lt;3</title></titles></anime>".utf8)
        #expect(try parser.parse(xml).mainTitle == "Tom & Jerry ♥ <3")
    }

    static let errorFiles: [(String, Int?, String)] = [
        ("errors/banned.xml", 500, "banned"), ("errors/banned-legacy.xml", nil, "Banned"),
        ("errors/anime-not-found.xml", nil, "Anime not found"),
        ("errors/client-version-missing-or-invalid.xml", 302, "client version missing or invalid"),
        ("errors/aid-missing-or-invalid.xml", nil, "aid Missing or Invalid"),
    ]

    @Test("AniDB error bodies are recognised as errors, with their code, never as documents", arguments: errorFiles)
    func errorBodies(file: String, code: Int?, text: String) {
        #expect(throws: Mirror.DocumentError(.errorBody(code: code, message: text))) {
            try parser.parse(Fixtures.bytes(file))
        }
    }

    @Test("truncated documents are malformed")
    func truncated() {
        let bytes = Fixtures.anime(1)
        for cut in [10, 100, bytes.count / 2, bytes.count - 10] {
            #expect {
                try parser.parse(Array(bytes.prefix(cut)))
            } throws: { error in
                guard case .malformed = (error as? Mirror.DocumentError)?.reason else { return false }
                return true
            }
        }
    }

    @Test("bad documents get a clear reason")
    func badDocuments() {
        func reason(_ text: String, expected: Int? = nil) -> Mirror.DocumentError.Reason? {
            do { _ = try parser.parse(Array(text.utf8), expectedAID: expected) } catch { return error.reason }
            return nil
        }
        #expect(reason("") == .empty)
        #expect(reason("<anime id=\"5\"/>", expected: 6) == .idMismatch(expected: 6, found: 5))
        #expect(reason("<anime/>") == .missingID)
        #expect(reason("<anime id=\"-3\"/>") == .missingID)
        #expect(reason("<animetitles/>") == .notAnAnimeDocument(root: "animetitles"))
        #expect(reason("<!DOCTYPE anime [<!ENTITY a \"aaaa\">]><anime id=\"1\">&a;</anime>") == .doctypeNotAllowed)
        guard case .malformed = reason("<anime id=\"1\"><title>x</anime>") else {
            Issue.record("mismatched tag")
            return
        }
        guard case .malformed = reason("\u{0}\u{1}binary") else {
            Issue.record("binary")
            return
        }
        guard case .malformed = reason("<anime id=\"1\">&nbsp;</anime>") else {
            Issue.record("undeclared entity")
            return
        }
    }

    @Test("files over the size limit are refused before parsing")
    func tooLarge() {
        let small = AnimeDocumentParser(maxBytes: 1000)
        #expect(throws: Mirror.DocumentError(.tooLarge(bytes: Fixtures.anime(1).count, limit: 1000))) {
            try small.parse(Fixtures.anime(1))
        }
    }

    @Test("a billion-laughs document is refused quickly")
    func entityExpansion() {
        var xml = "<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
        for level in 1...9 {
            xml += "<!ENTITY lol\(level) \"" + String(repeating: "&lol\(level == 1 ? "" : String(level - 1));", count: 10) + "\">"
        }
        xml += "]><anime id=\"1\">&lol9;</anime>"
        #expect(throws: Mirror.DocumentError(.doctypeNotAllowed)) { try parser.parse(Array(xml.utf8)) }
    }
}
