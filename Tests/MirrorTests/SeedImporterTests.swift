import Foundation
import GRDB
import Testing

@testable import Mirror

@Suite("seed import")
struct SeedImporterTests {
    /// A seed folder holding every real fixture, half of them in Shoko's `AnimeDoc_<aid>.xml` naming.
    func seedFolder() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        for (index, aid) in (Fixtures.modernAIDs + Fixtures.legacyAIDs).enumerated() {
            directory.write(index.isMultiple(of: 2) ? "\(aid).xml" : "nested/AnimeDoc_\(aid).xml", Fixtures.anime(aid))
        }
        return directory
    }

    @Test("imports every document, shredded, with exact bytes")
    func importsFolder() async throws {
        let directory = seedFolder()
        defer { directory.cleanup() }
        let store = try TestDatabase.store()
        let report = try SeedImporter(store: store).run(directory: directory.path)
        #expect(report.imported == 19)
        #expect(report.failures.isEmpty)
        let counts = try await store.counts()
        #expect(counts.anime == 19)
        #expect(counts.restricted == 2)
        for aid in Fixtures.modernAIDs + Fixtures.legacyAIDs {
            #expect(try await store.servedDocument(aid: aid, mature: true)?.xml == Fixtures.anime(aid))
        }
        let record = try #require(try await store.animeRecord(aid: 1))
        #expect(record.titles.count == 9)
        #expect(record.episodes.count == 16)
        // Heaviest first (600), ties in the document's order: tag 2626 is the first of weight 600 in 1.xml.
        #expect(record.tags.first?.weight == 600 && record.tags.first?.id == 2626)
        #expect(zip(record.tags, record.tags.dropFirst()).allSatisfy { $0.weight >= $1.weight })
    }

    @Test("a second run skips unchanged files without reading them")
    func unchangedSkipped() throws {
        let directory = seedFolder()
        defer { directory.cleanup() }
        let store = try TestDatabase.store()
        _ = try SeedImporter(store: store).run(directory: directory.path)
        // Same size and time but garbage inside: if the importer read it, it would report a failure.
        directory.overwriteKeepingTime("1.xml", [UInt8](repeating: UInt8(ascii: "x"), count: Fixtures.anime(1).count))
        let second = try SeedImporter(store: store).run(directory: directory.path)
        #expect(second.unchanged == 19)
        #expect(second.imported == 0 && second.replaced == 0 && second.failures.isEmpty)
    }

    @Test("a changed file replaces the document and all of its rows")
    func changedReplaces() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write(
            "900.xml",
            SyntheticDocument.make(aid: 900, title: "Old Title", tags: [(5, "old tag", 300)]),
            modified: Date(timeIntervalSince1970: 1_600_000_000)
        )
        let store = try TestDatabase.store()
        _ = try SeedImporter(store: store).run(directory: directory.path)
        directory.write(
            "900.xml",
            SyntheticDocument.make(aid: 900, title: "New Title", tags: [(6, "new tag", 400)]),
            modified: Date(timeIntervalSince1970: 1_700_000_000)
        )
        let report = try SeedImporter(store: store).run(directory: directory.path)
        #expect(report.replaced == 1)
        let record = try #require(try await store.animeRecord(aid: 900))
        #expect(record.titles.map(\.text) == ["New Title"])
        #expect(record.tags.map(\.name) == ["new tag"])
        #expect(try await store.searchTitles("old title", limit: 5, mature: true).isEmpty)
        #expect(try await store.anime(withTag: 5, limit: 10, mature: true).results.isEmpty)
        #expect(record.fetchedAt.hasPrefix("2023-11-14"))
    }

    @Test("bad files are reported with reasons, skipped, and never replace a good document")
    func badFiles() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write("1.xml", Fixtures.anime(1), modified: Date(timeIntervalSince1970: 1_600_000_000))
        let store = try TestDatabase.store()
        _ = try SeedImporter(store: store).run(directory: directory.path)
        directory.write("1.xml", Fixtures.bytes("errors/banned.xml"), modified: Date(timeIntervalSince1970: 1_700_000_000))
        directory.write("2.xml", Array(Fixtures.anime(22).prefix(5000)))
        directory.write("3.xml", Fixtures.anime(959))
        directory.write("AnimeDoc_4.xml", [])
        directory.write("notes.xml", Array("<anime id=\"5\"/>".utf8))
        directory.write("6.xml", Fixtures.anime(2322))
        let report = try SeedImporter(store: store, parser: AnimeDocumentParser(maxBytes: 200_000)).run(directory: directory.path)
        let reasons = Dictionary(uniqueKeysWithValues: report.failures.map { (($0.file as NSString).lastPathComponent, $0.reason) })
        #expect(reasons["1.xml"] == "AniDB error 500: banned")
        #expect(reasons["2.xml"]?.hasPrefix("malformed XML") == true)
        #expect(reasons["3.xml"] == "document is for aid 959, expected aid 3")
        #expect(reasons["AnimeDoc_4.xml"] == "file is empty")
        #expect(reasons["notes.xml"] == "name is not <aid>.xml or AnimeDoc_<aid>.xml")
        #expect(reasons["6.xml"] == "document is for aid 2322, expected aid 6")
        #expect(report.failures.count == 6)
        #expect(report.imported == 0)
        // The good document for aid 1 is untouched.
        #expect(try await store.servedDocument(aid: 1, mature: true)?.xml == Fixtures.anime(1))
    }

    @Test("oversized files are refused")
    func oversized() throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write("22.xml", Fixtures.anime(22))
        let report = try SeedImporter(store: try TestDatabase.store(), parser: AnimeDocumentParser(maxBytes: 100_000))
            .run(directory: directory.path)
        #expect(report.failures.first?.reason == "file is 187361 bytes, more than the 100000-byte limit")
    }

    @Test("Shoko's Anime_HTTP.zip is imported as it is, with the entries' times")
    func zipArchive() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        try FileManager.default.copyItem(atPath: Fixtures.url("Anime_HTTP.zip").path, toPath: directory.path + "/Anime_HTTP.zip")
        let store = try TestDatabase.store()
        let report = try SeedImporter(store: store).run(directory: directory.path)
        #expect(report.imported == 2)
        #expect(report.failures.map(\.reason) == ["AniDB error: Banned"])
        let served = try #require(try await store.servedDocument(aid: 959, mature: true))
        #expect(served.xml == Fixtures.anime(959))
        #expect(served.fetchedAt == Double(AniDBDate.daysFromCivil(year: 2021, month: 3, day: 4) * 86_400 + 18_368))
        #expect(try SeedImporter(store: store).run(directory: directory.path).unchanged == 2)
    }

    @Test("fetch time is the file's time, else the newest update= in the document")
    func fetchTime() throws {
        let parser = AnimeDocumentParser()
        let fromFile = try StoredDocument.validate(Fixtures.anime(1), expectedAID: 1, fileTime: 1_234_567_890, parser: parser)
        #expect(fromFile.fetchedAt == 1_234_567_890)
        let fromDocument = try StoredDocument.validate(Fixtures.anime(1), expectedAID: 1, fileTime: nil, parser: parser)
        #expect(fromDocument.fetchedAt == AniDBDate.unixTime("2017-04-17"))
    }

    @Test("two files for one aid: the newer wins")
    func duplicates() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write("1.xml", Fixtures.bytes("variants/1.anidbjs-indented.xml"), modified: Date(timeIntervalSince1970: 1_500_000_000))
        directory.write("AnimeDoc_1.xml", Fixtures.anime(1), modified: Date(timeIntervalSince1970: 1_600_000_000))
        let store = try TestDatabase.store()
        let report = try SeedImporter(store: store).run(directory: directory.path)
        #expect(report.imported == 1)
        #expect(try await store.servedDocument(aid: 1, mature: true)?.xml == Fixtures.anime(1))
    }

    @Test("an older copy never replaces a newer stored document")
    func olderIgnored() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write("1.xml", Fixtures.anime(1), modified: Date(timeIntervalSince1970: 1_600_000_000))
        let store = try TestDatabase.store()
        _ = try SeedImporter(store: store).run(directory: directory.path)
        directory.write("1.xml", Fixtures.bytes("variants/1.anidbjs-indented.xml"), modified: Date(timeIntervalSince1970: 1_500_000_000))
        let report = try SeedImporter(store: store).run(directory: directory.path)
        #expect(report.unchanged == 1 && report.replaced == 0)
        #expect(try await store.servedDocument(aid: 1, mature: true)?.xml == Fixtures.anime(1))
    }

    @Test("a batch is one transaction: a failure mid-batch leaves every document as it was")
    func atomicBatches() async throws {
        let store = try TestDatabase.store(documents: [SyntheticDocument.make(aid: 10, title: "Ten v1")])
        // Make the database refuse aid 11 part-way through the batch, as a crash or full disk would.
        try await store.writer.write { db in
            try db.execute(
                sql: """
                    CREATE TRIGGER refuse11 BEFORE INSERT ON title WHEN NEW.animeId = 11
                    BEGIN SELECT RAISE(ABORT, 'disk full'); END
                    """
            )
        }
        let parser = AnimeDocumentParser()
        let batch = try [SyntheticDocument.make(aid: 10, title: "Ten v2"), SyntheticDocument.make(aid: 11)].map {
            try StoredDocument.validate($0, expectedAID: nil, fileTime: 1_700_000_000, parser: parser)
        }
        #expect(throws: DatabaseError.self) { try store.store(batch, now: 1_700_000_000) }
        #expect(try await store.animeRecord(aid: 10)?.title == "Ten v1")
        #expect(try await store.animeRecord(aid: 11) == nil)
        #expect(try await store.counts().titles == 1)
    }

    @Test("a batch the database refuses ends the import: the batches before it are stored, none after it")
    func refusedBatchStopsTheRest() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        for aid in 1...40 { directory.write("\(aid).xml", SyntheticDocument.make(aid: aid)) }
        let store = try TestDatabase.store()
        try await store.writer.write { db in
            try db.execute(
                sql: "CREATE TRIGGER refuse21 BEFORE INSERT ON title WHEN NEW.animeId = 21 BEGIN SELECT RAISE(ABORT, 'disk full'); END"
            )
        }
        // Batches of four, so several wait for the writer when the sixth (aids 21 to 24) is refused.
        #expect(throws: DatabaseError.self) {
            try SeedImporter(store: store, batchSize: 4, bulkThreshold: 1_000).run(directory: directory.path)
        }
        let stored = try await store.writer.read { db in try Int.fetchAll(db, sql: "SELECT id FROM anime ORDER BY id") }
        #expect(stored == Array(1...20))
    }

    @Test("a missing seed folder is a clear error")
    func missingFolder() {
        #expect(throws: SeedImportError.self) { try SeedImporter(store: try TestDatabase.store()).run(directory: "/nonexistent/seed") }
    }
}

@Suite("bulk import")
struct BulkImportTests {
    func indexNames(_ store: MirrorStore) async throws -> Set<String> {
        try await store.writer.read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"))
        }
    }

    /// Sixty small documents: a prequel chain, each tagged "mecha" with a weight ten times its aid.
    func sixtyDocuments() -> TemporaryDirectory {
        let directory = TemporaryDirectory()
        for aid in 1...60 {
            directory.write(
                "\(aid).xml",
                SyntheticDocument.make(
                    aid: aid,
                    relations: aid > 1 ? [(aid - 1, "Prequel")] : [],
                    tags: [(7, "mecha", aid * 10)]
                )
            )
        }
        return directory
    }

    @Test("a large import rebuilds the indexes at the end, and queries use them")
    func bulkImport() async throws {
        let directory = sixtyDocuments()
        defer { directory.cleanup() }
        let store = try TestDatabase.store()
        let before = try await indexNames(store)
        let report = try SeedImporter(store: store, bulkThreshold: 10).run(directory: directory.path)
        #expect(report.imported == 60)
        #expect(try await indexNames(store) == before)
        #expect(try await store.anime(withTag: 7, limit: 3, mature: false).results.map(\.aid) == [60, 59, 58])
        #expect(try await store.franchise(aid: 30)?.nodes.count == 60)
        let pending = try await store.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM pendingIndex") }
        #expect(pending == 0)
    }

    /// The sixty documents, and a database file for them, removed with its journals afterwards.
    func seedAndFile(_ body: (_ seed: String, _ path: String) async throws -> Void) async throws {
        let directory = sixtyDocuments()
        defer { directory.cleanup() }
        let path = NSTemporaryDirectory() + "anikura-journal-\(UUID().uuidString).sqlite"
        defer { for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: path + suffix) } }
        try await body(directory.path, path)
    }

    @Test("a bulk import may use a rollback journal: the file is whole and back in WAL afterwards")
    func rollbackJournal() async throws {
        try await seedAndFile { seed, path in
            let store = try TestDatabase.fileStore(path: path)
            let before = try await indexNames(store)  // leaves an idle reader open, which the switch must close
            let report = try SeedImporter(store: store, batchSize: 16, bulkThreshold: 10, rollbackJournalForBulkLoad: true)
                .run(directory: seed)
            #expect(report.usedRollbackJournal)
            #expect(report.imported == 60 && report.failures.isEmpty)
            let (mode, check, count) = try await store.writer.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"), try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM anime")
                )
            }
            #expect(mode == "wal" && check == "ok" && count == 60)
            #expect(try await indexNames(store) == before)
            #expect(try await store.anime(withTag: 7, limit: 3, mature: false).results.map(\.aid) == [60, 59, 58])
            // Without the option, or below the bulk threshold, the import never leaves the WAL.
            let small = try SeedImporter(store: store, rollbackJournalForBulkLoad: true).run(directory: seed)
            #expect(!small.usedRollbackJournal && small.unchanged == 60)
        }
    }

    @Test("with another connection on the file, a bulk import stays in WAL without waiting for it")
    func rollbackJournalRefusedWhenShared() async throws {
        try await seedAndFile { seed, path in
            var configuration = Configuration()
            configuration.busyMode = .timeout(60)  // the switch must not wait for it (the app's is 10 s)
            let store = try TestDatabase.fileStore(path: path, configuration: configuration)
            let other = try DatabasePool(path: path)
            #expect(try await other.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM anime") } == 0)
            let started = ContinuousClock.now
            #expect(!BulkLoadJournal.enter(store.writer))
            #expect(ContinuousClock.now - started < .seconds(30), "the switch waited for the other connection")
            let report = try SeedImporter(store: store, bulkThreshold: 10, rollbackJournalForBulkLoad: true).run(directory: seed)
            #expect(!report.usedRollbackJournal)
            #expect(report.imported == 60)
            #expect(try await other.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM anime") } == 60)
            #expect(try await other.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
        }
    }

    @Test("indexes dropped by an import that died are rebuilt by the next one")
    func crashRecovery() async throws {
        let store = try TestDatabase.store()
        let before = try await indexNames(store)
        let cacheSize = try await store.writer.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") }
        try await store.writer.write { try MirrorSchema.dropIndexesForBulkLoad($0) }
        #expect(try await indexNames(store).isDisjoint(with: MirrorSchema.bulkLoadIndexes))
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        directory.write("1.xml", Fixtures.anime(1))
        _ = try SeedImporter(store: store).run(directory: directory.path)
        #expect(try await indexNames(store) == before)
        // The rebuild shrinks the page cache to split its sort across cores; the connection gets its own size back.
        #expect(try await store.writer.read { try Int.fetchOne($0, sql: "PRAGMA cache_size") } == cacheSize)
    }
}
