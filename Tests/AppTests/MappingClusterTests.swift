import AniDBFake
import Foundation
import Logging
import Mirror
import MirrorPostgres
import Numbering
import PostgresNIO
import Testing

@testable import App

/// Two instances on one PostgreSQL database: the mapping files are downloaded once for both.
@Suite("community mapping in a cluster")
struct MappingClusterTests {
    @Test("one instance downloads, the other takes the shared copy from PostgreSQL; the file host sees one request per file")
    func sharedOnce() async throws {
        let url = try await TestPostgres.freshDatabase()
        let host = try await FakeFileHost.start()
        defer { host.stop() }
        host.put("anime-list-master.xml", MappingDownloadTests.list)
        host.put("anime_ids.json", MappingDownloadTests.ids)
        let address = try PostgresAddress(url: url)
        let logger = Logger(label: "test") { _ in SwiftLogNoOpLogHandler() }
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        func instance() throws -> (cluster: ClusterMirror, files: MappingFiles, downloader: MappingDownloader) {
            let store = MirrorStore(writer: try AppDatabase.open(path: nil).writer)
            let cluster = ClusterMirror(address: address, store: store, answerWithin: 30, logger: logger)
            let files = MappingFiles(directory: TestApp.temporaryDirectory(), store: store, ledger: cluster.ledger)
            let downloader = MappingDownloader(
                files: files,
                transport: HTTPMappingTransport(),
                urls: [.animeList: host.url("anime-list-master.xml"), .animeIDs: host.url("anime_ids.json")],
                clock: clock,
                logger: logger
            )
            return (cluster, files, downloader)
        }
        let first = try instance()
        let second = try instance()
        let clients = [first.cluster.client, second.cluster.client].map { client in Task { await client.run() } }
        defer { for client in clients { client.cancel() } }
        for kind in MappingFileKind.allCases { #expect(try await first.downloader.refresh(kind)) }
        #expect(host.requests.count == 2)
        for kind in MappingFileKind.allCases { #expect(try await second.downloader.refresh(kind)) }
        #expect(host.requests.count == 2, "the second instance took PostgreSQL's copy")
        #expect(second.files.bytes(.animeList) == MappingDownloadTests.list)
        #expect(try await second.files.store.mappingFileState(.animeList).etag == FakeFileHost.etag(MappingDownloadTests.list))
        #expect(try await second.files.mapping().episode(in: .tvdb, series: 133341, season: 2, episode: 13)?.aid == 10866)
        #expect(try await TestPostgres.psql(url, "SELECT count(*) FROM mirror_mapping_file") == "2")
        // A day on, the second asks the host itself (conditionally, with the shared ETag) and shares the answer.
        clock.advance(by: MappingDownloader.day)
        #expect(try await second.downloader.refresh(.animeList) == false)
        #expect(host.requests.last?.ifNoneMatch == FakeFileHost.etag(MappingDownloadTests.list))

        // An admin's correction on the first instance reaches the second; so does its removal.
        try await first.files.correct(MappingCorrection(aid: 10866, tvdbOffset: 13), now: clock.now())
        #expect(try await second.files.pullSharedCorrections())
        #expect(try await second.files.mapping().corrections[10866]?.tvdbOffset == 13)
        #expect(try await second.files.mapping().episode(in: .tvdb, series: 133341, season: 2, episode: 14)?.aid == 10866)
        #expect(try await second.files.pullSharedCorrections() == false, "nothing new the second time")
        clock.advance(by: 60)
        #expect(try await first.files.removeCorrection(aid: 10866, now: clock.now()))
        #expect(try await second.files.pullSharedCorrections())
        #expect(try await second.files.mapping().corrections.isEmpty)
    }
}
