import Foundation
import Testing

@testable import Mirror

@Suite("mirror queries")
struct QueryTests {
    @Test("franchise: transitive, both directions, cycles once, unknown aids as leaves")
    func franchise() async throws {
        // 100 → 101 → 102 → 100 is a cycle; 103 lists 102 as its prequel but 102 does not list 103;
        // 101 points to 999, which we have no document for.
        let store = try TestDatabase.store(documents: [
            SyntheticDocument.make(aid: 100, relations: [(101, "Sequel")]),
            SyntheticDocument.make(aid: 101, relations: [(100, "Prequel"), (102, "Sequel"), (999, "Side Story")]),
            SyntheticDocument.make(aid: 102, relations: [(101, "Prequel"), (100, "Alternative Setting")]),
            SyntheticDocument.make(aid: 103, relations: [(102, "Prequel")]),
            SyntheticDocument.make(aid: 200),
        ])
        let graph = try #require(try await store.franchise(aid: 100))
        let depth = Dictionary(uniqueKeysWithValues: graph.nodes.map { ($0.aid, $0.depth) })
        #expect(depth == [100: 0, 101: 1, 102: 1, 103: 2, 999: 2])
        #expect(graph.nodes.first { $0.aid == 999 }?.known == false)
        #expect(graph.nodes.first { $0.aid == 999 }?.title == "Anime 999")
        #expect(graph.nodes.first { $0.aid == 101 }?.title == "Anime 101")
        #expect(graph.edges.contains(.init(from: 103, to: 102, type: "Prequel")))
        #expect(graph.edges.contains(.init(from: 102, to: 100, type: "Alternative Setting")))
        #expect(graph.edges.count == 7)
        #expect(!graph.truncated)
        let small = try #require(try await store.franchise(aid: 100, maxNodes: 2))
        #expect(small.nodes.count == 2 && small.truncated)
        #expect(try await store.franchise(aid: 200)?.nodes.count == 1)
        #expect(try await store.franchise(aid: 12345) == nil)
    }

    @Test("tag listing: heaviest first, adult anime only with mature")
    func tagListing() async throws {
        let store = try TestDatabase.store(documents: [
            SyntheticDocument.make(aid: 1, tags: [(36, "military", 300)]),
            SyntheticDocument.make(aid: 2, tags: [(36, "military", 600)]),
            SyntheticDocument.make(aid: 3, restricted: true, tags: [(36, "military", 500)]),
            SyntheticDocument.make(aid: 4, tags: [(36, "military", 400), (2604, "18 restricted", 600)]),
        ])
        let safe = try await store.anime(withTag: 36, limit: 100, mature: false)
        #expect(safe.tagName == "military")
        #expect(safe.results == [.init(aid: 2, weight: 600), .init(aid: 1, weight: 300)])
        #expect(safe.count == 2)
        let all = try await store.anime(withTag: 36, limit: 3, mature: true)
        #expect(all.results.map(\.aid) == [2, 3, 4])
        #expect(try await store.anime(withTag: 77, limit: 10, mature: true).tagName == nil)
    }

    @Test("tag search: case-insensitive names, min weight, most matches first")
    func tagSearch() async throws {
        let store = try TestDatabase.store(documents: [
            SyntheticDocument.make(aid: 1, tags: [(1, "Action", 600), (2, "comedy", 300)]),
            SyntheticDocument.make(aid: 2, tags: [(1, "action", 400)]),
            SyntheticDocument.make(aid: 3, tags: [(1, "action", 100), (2, "comedy", 600)]),
            SyntheticDocument.make(aid: 4, restricted: true, tags: [(1, "action", 600), (2, "comedy", 600)]),
        ])
        let result = try await store.searchTags(["ACTION", "comedy"], minWeight: 200, mature: false)
        #expect(result.results == [.init(aid: 1, tagMatches: 2), .init(aid: 2, tagMatches: 1), .init(aid: 3, tagMatches: 1)])
        let mature = try await store.searchTags(["action", "comedy"], minWeight: 200, mature: true)
        #expect(mature.results.first == .init(aid: 1, tagMatches: 2))
        #expect(mature.results.contains(.init(aid: 4, tagMatches: 2)))
    }

    @Test("tag search: a name twice on one anime counts once, ties go by aid, the limit holds, huge aids count too")
    func tagSearchCounting() async throws {
        let store = try TestDatabase.store(documents: [
            // Listed as a tag and as a category: one match, not two.
            SyntheticDocument.make(aid: 9, tags: [(1, "action", 600), (50, "Action", 300)]),
            SyntheticDocument.make(aid: 5, tags: [(1, "action", 600), (2, "drama", 600)]),
            SyntheticDocument.make(aid: 7, tags: [(1, "action", 600), (2, "drama", 600)]),
            // Past the dense counting range: counted in the sparse map, ranked after smaller aids.
            SyntheticDocument.make(aid: 5_000_000, tags: [(1, "action", 600), (2, "drama", 600)]),
            SyntheticDocument.make(aid: 4_999_999, tags: [(2, "drama", 600)]),
        ])
        let result = try await store.searchTags(["action", "drama"], minWeight: 0, mature: false)
        #expect(
            result.results == [
                .init(aid: 5, tagMatches: 2), .init(aid: 7, tagMatches: 2), .init(aid: 5_000_000, tagMatches: 2),
                .init(aid: 9, tagMatches: 1), .init(aid: 4_999_999, tagMatches: 1),
            ]
        )
        let limited = try await store.searchTags(["action", "drama"], minWeight: 0, mature: false, limit: 2)
        #expect(limited.results.map(\.aid) == [5, 7])
    }

    @Test("tag listings' hand-written JSON is byte for byte what the sorted-key encoder writes")
    func tagJSON() throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let listings = [
            TagListing(
                tagID: 36,
                tagName: "military \"x\" / ü",
                limit: 2,
                mature: false,
                count: 2,
                results: [
                    .init(aid: 2, weight: 600), .init(aid: 1, weight: 300),
                ]
            ),
            TagListing(tagID: 77, tagName: nil, limit: 100, mature: true, count: 0, results: []),
        ]
        for listing in listings { #expect(listing.json == Array(try encoder.encode(listing))) }
        let searches = [
            TagSearch(
                query: ["action", "comedy"],
                minWeight: 200,
                mature: true,
                results: [
                    .init(aid: 1, tagMatches: 2), .init(aid: 3, tagMatches: 1),
                ]
            ),
            TagSearch(query: ["a\\b"], minWeight: 0, mature: false, results: []),
        ]
        for search in searches { #expect(search.json == Array(try encoder.encode(search))) }
    }

    @Test("title search: every language, case and accents ignored, exact before partial")
    func titleSearch() async throws {
        let store = try TestDatabase.store(documents: [
            SyntheticDocument.make(aid: 1, title: "Pokémon", extraTitles: [("ja", "ポケットモンスター")]),
            SyntheticDocument.make(aid: 2, title: "Pokemon Movie: Mewtwo Strikes Back"),
            SyntheticDocument.make(aid: 3, title: "Super Pokemon Party"),
            SyntheticDocument.make(aid: 4, title: "Pokemon Hentai", restricted: true),
            SyntheticDocument.make(aid: 5, title: "Digimon"),
        ])
        let results = try await store.searchTitles("POKEMON", limit: 10, mature: false)
        #expect(results.map(\.aid) == [1, 2, 3])
        #expect(results.first?.matchedTitle == "Pokémon")
        #expect(try await store.searchTitles("ポケット", limit: 10, mature: false).map(\.aid) == [1])
        #expect(try await store.searchTitles("pokemon", limit: 10, mature: true).count == 4)
        #expect(try await store.searchTitles("%", limit: 10, mature: true).isEmpty)
        #expect(try await store.searchTitles("p_kemon", limit: 10, mature: true).isEmpty, "_ is no wildcard")
    }

    @Test("queued aids are recorded once, missing before stale, and cleared when the document arrives")
    func queued() async throws {
        let store = try TestDatabase.store()
        #expect(try await store.enqueue(aid: 60, priority: .stale, now: 5) == .queued(.init(position: 1, queueSize: 1)))
        #expect(try await store.enqueue(aid: 50, priority: .missing, now: 10) == .queued(.init(position: 1, queueSize: 2)))
        #expect(try await store.enqueue(aid: 40, priority: .missing, now: 20) == .queued(.init(position: 2, queueSize: 3)))
        #expect(try await store.enqueue(aid: 50, priority: .stale, now: 30) == .queued(.init(position: 1, queueSize: 3)))
        #expect(try await store.enqueue(aid: 60, priority: .missing, now: 40) == .queued(.init(position: 1, queueSize: 3)))
        #expect(try await store.queuedAIDs() == [60, 50, 40])
        try store.store(
            [
                try StoredDocument.validate(
                    SyntheticDocument.make(aid: 50),
                    expectedAID: 50,
                    fileTime: 1,
                    parser: AnimeDocumentParser()
                )
            ],
            now: 40
        )
        #expect(try await store.queuedAIDs() == [60, 40])
    }

    @Test("the mature=false variant is served with its own ETag")
    func servedVariants() async throws {
        let store = try TestDatabase.store(documents: [Fixtures.anime(11021), Fixtures.anime(1)])
        let full = try #require(try await store.servedDocument(aid: 11021, mature: true))
        let safe = try #require(try await store.servedDocument(aid: 11021, mature: false))
        #expect(full.xml == Fixtures.anime(11021))
        #expect(safe.isFiltered && safe.xml.count < full.xml.count)
        #expect(safe.etag != full.etag)
        let plain = try #require(try await store.servedDocument(aid: 1, mature: false))
        #expect(!plain.isFiltered && plain.xml == Fixtures.anime(1))
        #expect(try await store.servedDocument(aid: 2, mature: true) == nil)
    }
}
