import AniDBFake
import Foundation
import GRDB
import Logging
import Mirror
import Numbering
import Synchronization
import Testing

@testable import App

/// The mapping downloader against a fake of GitHub's raw file host on a real socket.
@Suite("community mapping downloads: once a day, conditional, the last good copy kept")
struct MappingDownloadTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("LibraryTests/Fixtures/mapping")
    static func fixture(_ name: String) -> [UInt8] { [UInt8](try! Data(contentsOf: fixtures.appendingPathComponent(name))) }
    static var list: [UInt8] { fixture("anime-list-subset.xml") }
    static var ids: [UInt8] { fixture("anime_ids-subset.json") }

    struct Setup {
        let host: FakeFileHost
        let files: MappingFiles
        let downloader: MappingDownloader
        let clock: ManualClock
        let directory: String
    }

    static func setUp(changed: @escaping @Sendable () async -> Void = {}) async throws -> Setup {
        let host = try await FakeFileHost.start()
        host.put("anime-list-master.xml", list)
        host.put("anime_ids.json", ids)
        let database = try AppDatabase.open(path: nil)
        let store = MirrorStore(writer: database.writer)
        let directory = TestApp.temporaryDirectory()
        let files = MappingFiles(directory: directory, store: store, ledger: store)
        let clock = ManualClock(now: 1_800_000_000)
        let downloader = MappingDownloader(
            files: files,
            transport: HTTPMappingTransport(),
            urls: [.animeList: host.url("anime-list-master.xml"), .animeIDs: host.url("anime_ids.json")],
            clock: clock,
            logger: Logger(label: "test"),
            changed: changed
        )
        return Setup(host: host, files: files, downloader: downloader, clock: clock, directory: directory)
    }

    @Test("first a plain GET, a day later a conditional one answered 304, then a changed file replaces the copy")
    func conditional() async throws {
        let setup = try await Self.setUp()
        defer { setup.host.stop() }
        #expect(try await setup.downloader.refresh(.animeList))
        #expect(try await setup.downloader.refresh(.animeIDs))
        #expect(setup.host.requests.map(\.ifNoneMatch) == [nil, nil])
        #expect(setup.files.bytes(.animeList) == Self.list)
        var state = try await setup.files.store.mappingFileState(.animeList)
        #expect(state.entries == 299 && state.etag == FakeFileHost.etag(Self.list) && state.fetchedAt == setup.clock.now())
        #expect(try await setup.files.mapping().episode(in: .tvdb, series: 133341, season: 2, episode: 13)?.aid == 10866)
        // Not due again within the day; due after it.
        #expect(try await setup.downloader.dueAt(.animeList) == setup.clock.now() + MappingDownloader.day)
        setup.clock.advance(by: MappingDownloader.day)
        #expect(try await setup.downloader.refresh(.animeList) == false)
        #expect(setup.host.requests.last?.ifNoneMatch == FakeFileHost.etag(Self.list))
        state = try await setup.files.store.mappingFileState(.animeList)
        #expect(state.fetchedAt == setup.clock.now() && state.error == nil)
        // The list changes upstream: the next day's download keeps the new copy.
        let changed = Array(
            String(decoding: Self.list, as: UTF8.self).replacingOccurrences(of: #"episodeoffset="12""#, with: #"episodeoffset="13""#).utf8
        )
        setup.host.put("anime-list-master.xml", changed)
        setup.clock.advance(by: MappingDownloader.day)
        #expect(try await setup.downloader.refresh(.animeList))
        #expect(setup.files.bytes(.animeList) == changed)
        #expect(try await setup.files.mapping().episode(in: .tvdb, series: 133341, season: 2, episode: 14)?.aid == 10866)
    }

    @Test("a failed or malformed download keeps the last good copy and says why")
    func keepsLastGoodCopy() async throws {
        let setup = try await Self.setUp()
        defer { setup.host.stop() }
        try await setup.downloader.refresh(.animeList)
        setup.clock.advance(by: MappingDownloader.day)
        setup.host.answerNext(status: 500)
        #expect(try await setup.downloader.refresh(.animeList) == false)
        var state = try await setup.files.store.mappingFileState(.animeList)
        #expect(state.error == "HTTP 500 from 127.0.0.1; the last good copy is kept")
        #expect(setup.files.bytes(.animeList) == Self.list)
        // A truncated body (a dropped connection mid-file, a proxy's page) is refused whole.
        setup.clock.advance(by: MappingDownloader.day)
        setup.host.answerNext(status: 200, body: Array(Self.list.prefix(Self.list.count / 3)))
        #expect(try await setup.downloader.refresh(.animeList) == false)
        state = try await setup.files.store.mappingFileState(.animeList)
        #expect(state.error?.hasPrefix("the download was refused: the anime list is not well-formed XML") == true, "\(state.error ?? "")")
        #expect(state.error?.hasSuffix("the last good copy is kept") == true)
        #expect(setup.files.bytes(.animeList) == Self.list)
        #expect(state.entries == 299)
        // A hostile JSON file for the ids, before any copy: nothing kept, retried within the hour.
        setup.host.answerNext(status: 200, body: Array(#"{"1": {"mal_id": "1; DROP TABLE"}}"#.utf8))
        #expect(try await setup.downloader.refresh(.animeIDs) == false)
        #expect(!setup.files.has(.animeIDs))
        let ids = try await setup.files.store.mappingFileState(.animeIDs)
        #expect(ids.error?.contains("there is no copy yet") == true)
        #expect(try await setup.downloader.dueAt(.animeIDs) == setup.clock.now() + MappingDownloader.retryWithoutCopy)
        // An unreachable host: a transport error, the copy kept.
        let port = LocalListener.freePort()
        let offline = MappingDownloader(
            files: setup.files,
            transport: HTTPMappingTransport(),
            urls: [.animeList: "http://127.0.0.1:\(port)/anime-list-master.xml"],
            clock: setup.clock,
            logger: Logger(label: "test")
        )
        setup.clock.advance(by: MappingDownloader.day)
        #expect(try await offline.refresh(.animeList) == false)
        #expect(try await setup.files.store.mappingFileState(.animeList).error?.contains("127.0.0.1") == true)
        #expect(setup.files.bytes(.animeList) == Self.list)
    }

    @Test("the service downloads both files at start, tells the app, and then waits a day")
    func service() async throws {
        let told = Mutex(0)
        let setup = try await Self.setUp(changed: { told.withLock { $0 += 1 } })
        defer { setup.host.stop() }
        let task = Task { try await setup.downloader.run() }
        defer { task.cancel() }
        for _ in 0..<200 where setup.host.requests.count < 2 { try await Task.sleep(for: .milliseconds(20)) }
        for _ in 0..<100 where told.withLock({ $0 }) < 2 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(setup.host.requests.count == 2)
        #expect(told.withLock { $0 } == 2)
        // Half a day on: nothing more.
        setup.clock.advance(by: MappingDownloader.day / 2)
        try await Task.sleep(for: .milliseconds(200))
        #expect(setup.host.requests.count == 2)
        setup.clock.advance(by: MappingDownloader.day / 2)
        for _ in 0..<200 where setup.host.requests.count < 4 { try await Task.sleep(for: .milliseconds(20)) }
        #expect(setup.host.requests.count == 4)
        #expect(setup.host.requests.suffix(2).allSatisfy { $0.ifNoneMatch != nil })
    }

    @Test("a seed's mapping files (the demo seed has both, gzipped) are kept when the mirror has none or older ones")
    func seeded() async throws {
        let setup = try await Self.setUp()
        defer { setup.host.stop() }
        await SeedImportJob.importMapping(from: TestApp.repositorySeed, into: setup.files, logger: Logger(label: "test"))
        #expect((try await setup.files.store.mappingFileState(.animeList).entries ?? 0) > 16_000)
        #expect((try await setup.files.store.mappingFileState(.animeIDs).entries ?? 0) > 16_000)
        let mapping = try await setup.files.mapping()
        #expect(mapping.episode(in: .tvdb, series: 267440, season: 3, episode: 13)?.aid == 14444)
        // A newer download is not replaced by the seed's older copy at the next start.
        try await setup.files.install(.animeList, bytes: Self.list, fetchedAt: Date().timeIntervalSince1970 + 60)
        await SeedImportJob.importMapping(from: TestApp.repositorySeed, into: setup.files, logger: Logger(label: "test"))
        #expect(try await setup.files.store.mappingFileState(.animeList).entries == 299)
    }
}
