import Foundation
import Testing

@testable import Library

@Suite("missing sequels, franchises and the Kometa file from real documents")
struct LibraryReportsTests {
    static let catalog = MatcherFixture.catalog(documents: [1, 10145, 22, 5576])

    @Test("relations whose target is not on disk are reported, named from the dump; undocumented anime are wanted")
    func missingSequels() {
        let report = MissingRelationsReport(onDisk: [1, 10145, 4, 9541], catalog: Self.catalog)
        #expect(report.entries.map(\.aid) == [10145], "aid 1's sequel (4) is on disk")
        let haikyuu = report.entries.first { $0.aid == 10145 }
        #expect(haikyuu?.missing.map(\.aid) == [10981])
        #expect(haikyuu?.missing.first?.title == "Haikyuu!! Second Season")
        #expect(report.undocumented == [4, 9541])
        #expect(report.wanted == [4, 9541, 10981])
        let everything = MissingRelationsReport(onDisk: [1], catalog: Self.catalog, types: ["Sequel", "Prequel", "Summary"])
        #expect(Set(everything.entries.first?.missing.map(\.relation) ?? []) == ["Sequel", "Prequel", "Summary"])
        #expect(MissingRelationsReport.relationTypes("sequel,side-story, parent_story") == ["Sequel", "Side Story", "Parent Story"])
        #expect(MissingRelationsReport.relationTypes(nil) == ["Sequel"])
        #expect(MissingRelationsReport.relationTypes("all") == nil)
    }

    @Test("franchises group anime on disk with their relations, in order of start date")
    func franchises() {
        let franchises = LibraryFranchise.build(onDisk: [1, 4, 10145], catalog: Self.catalog)
        let seikai = franchises.first { $0.members.contains { $0.aid == 1 } }
        #expect(seikai?.members.contains { $0.aid == 4 && $0.onDisk } == true)
        #expect(seikai?.members.contains { $0.aid == 6 && !$0.onDisk && !$0.documented } == true)
        #expect(seikai?.members.first?.aid == 1, "aid 1 is the only member with a start date")
        #expect(franchises.count == 2, "\(franchises.map(\.id))")
        #expect(!franchises.contains { $0.members.contains { $0.aid == 22 } }, "nothing of Evangelion is on disk")
    }

    @Test("the Kometa file has a collection per franchise and one of anime whose sequel is missing; titles are quoted")
    func kometa() throws {
        let franchises = LibraryFranchise.build(onDisk: [1, 10145], catalog: Self.catalog)
        let missing = MissingRelationsReport(onDisk: [1, 10145], catalog: Self.catalog).entries
        let yaml = KometaCollections.yaml(franchises: franchises, missing: missing)
        #expect(yaml.contains("collections:\n  \"Haikyuu!!\":\n    anidb_id: 10145, "))
        #expect(yaml.contains("\"Sequel Missing\":\n    anidb_id: 10145, 1\n") || yaml.contains("\"Sequel Missing\":\n    anidb_id: 1, 10145\n"))
        let tricky = KometaCollections.quoted("Say \"hi\"\n\\ and: #1")
        #expect(try JSONDecoder().decode(String.self, from: Data(tricky.utf8)) == "Say \"hi\"\n\\ and: #1")
        #expect(KometaCollections.yaml(franchises: [], missing: []).hasSuffix("collections: {}\n"))
    }
}
