import Foundation
import GRDB
import Mirror

@testable import Library

/// The real 2015 titles dump and labelled release names, laid out as a real media folder of empty files.
enum MatcherFixture {
    static var directory: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/matcher")
    }

    /// Every title of the 2015 dump, as the mirror's dump parser reads it.
    static let dumpTitles: [CatalogTitle] = {
        let gzip = try! Data(contentsOf: directory.appendingPathComponent("anime-titles-2015.xml.gz"))
        let xml = try! Gzip.decompress([UInt8](gzip), limit: 64 * 1024 * 1024)
        return try! TitlesDumpParser.parse(xml).flatMap { anime in
            anime.titles.map { CatalogTitle(aid: anime.aid, type: $0.type, language: $0.language, text: $0.text) }
        }
    }()

    /// Real AniDB documents (`documents/<aid>.xml`), as the catalog's facts.
    static func documents(_ aids: [Int]) -> [Int: CatalogAnime] {
        let parser = AnimeDocumentParser()
        var anime: [Int: CatalogAnime] = [:]
        for aid in aids {
            let bytes = try! Data(contentsOf: directory.appendingPathComponent("documents/\(aid).xml"))
            let document = try! parser.parse([UInt8](bytes), expectedAID: aid)
            anime[aid] = CatalogAnime(
                aid: aid,
                type: document.type,
                episodeCount: document.episodeCount,
                startDate: document.startDate,
                relations: document.relations.map { CatalogRelation(aid: $0.aid, type: $0.type, title: $0.title) }
            )
        }
        return anime
    }

    /// The 2015 dump plus `documents`, as the app builds it from the mirror.
    static func catalog(documents aids: [Int] = [], extra: [Int: CatalogAnime] = [:]) -> MatchCatalog {
        MatchCatalog(titles: dumpTitles, anime: documents(aids).merging(extra) { $1 })
    }

    struct Label {
        var aid: Int
        var episode: String?
        var path: String
    }

    static let labels: [Label] = {
        let text = try! String(contentsOf: directory.appendingPathComponent("release-names.tsv"), encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count == 3, let aid = Int(columns[0]) else { return nil }
            return Label(aid: aid, episode: columns[1].isEmpty ? nil : String(columns[1]), path: String(columns[2]))
        }
    }()

    /// A media folder with `paths` as empty files, scanned into a fresh in-memory index.
    struct Library {
        let folder: LibraryScannerTests.Fixture
        var root: String { folder.root }
        var index: LibraryIndex { folder.index }

        init(_ paths: [String]) throws {
            folder = try LibraryScannerTests.Fixture()
            for path in paths { try folder.write(path, "") }
            _ = try scan()
        }

        func scan() throws -> ScanReport { try folder.scanner.scan() }
    }
}
