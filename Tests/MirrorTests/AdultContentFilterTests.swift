import Testing

@testable import Mirror

@Suite("mature=false document variant")
struct AdultContentFilterTests {
    let parser = AnimeDocumentParser()

    @Test("the 18 restricted tag is cut out and the rest is byte-identical")
    func modern() throws {
        let original = Fixtures.anime(11021)
        let filtered = try #require(AdultContentFilter.filtered(original))
        let before = try parser.parse(original)
        let after = try parser.parse(filtered, expectedAID: 11021)
        #expect(!after.tags.contains { $0.name.lowercased() == "18 restricted" })
        #expect(after.tags.count == before.tags.count - 1)
        #expect(after.titles == before.titles)
        #expect(after.episodes == before.episodes)
        #expect(filtered.starts(with: Array("<?xml".utf8)), "the XML declaration stays")
        // Only the removed element's bytes differ: the output is the input minus one contiguous range.
        let prefix = zip(original, filtered).prefix { $0 == $1 }.count
        let suffix = zip(original.reversed(), filtered.reversed()).prefix { $0 == $1 }.count
        #expect(prefix + suffix >= filtered.count)
        let removed = String(decoding: original[prefix..<(original.count - suffix)], as: UTF8.self)
        #expect(removed.contains("<name>18 restricted</name>"))
    }

    @Test("legacy adult categories are cut out")
    func legacy() throws {
        let filtered = try #require(AdultContentFilter.filtered(Fixtures.anime(314)))
        let after = try parser.parse(filtered, expectedAID: 314)
        #expect(!after.tags.contains { $0.name == "18 Restricted" })
        #expect(after.tags.contains { $0.name == "Action" })
    }

    @Test("documents without adult tags are left alone", arguments: [1, 22, 959, 789])
    func untouched(aid: Int) {
        #expect(AdultContentFilter.filtered(Fixtures.anime(aid)) == nil)
    }
}
