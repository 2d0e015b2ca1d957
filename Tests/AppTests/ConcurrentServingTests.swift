import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Mirror
import NIOHTTP1
import Testing

@testable import App

/// The server as `serve` runs it (a database file with a pool of reader connections), under many connections at once.
@Suite("serving many connections at once")
struct ConcurrentServingTests {
    @Test(
        "stored, missing and JSON anime requested together over 64 connections all get answers, and so does the next request",
        .timeLimit(.minutes(3))
    )
    func mixedLoad() async throws {
        let directory = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase.open(path: directory + "/anikura.sqlite", mapReaders: true)
        _ = try SeedImporter(store: MirrorStore(writer: database.writer)).run(directory: TestApp.demoSeed)
        // No document cache, so every stored document is read from SQLite on the request path.
        let app = try await TestApp.build(
            environment: ["ANIKURA_STORAGE_DATA_DIR": directory, "ANIKURA_MIRROR_MEMORY_CACHE_MB": "0"],
            database: database
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            // Really 64 connections (the client's default is 8 a host), and patient ones: the whole suite shares two
            // cores, so waiting for a connection may take a while; what matters is that every request is answered.
            var settings = HTTPClient.Configuration()
            settings.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 64
            settings.timeout.connect = .seconds(60)
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: settings)
            do {
                // Stored documents take the synchronous read; missing aids and JSON records take async queries.
                let paths = ["/anime/959", "/anime/77777", "/api/anime/959", "/httpapi?request=anime&aid=22&client=t&clientver=1&protover=1"]
                let statuses = try await withThrowingTaskGroup(of: [UInt].self) { group in
                    for connection in 0..<64 {
                        group.addTask {
                            var statuses: [UInt] = []
                            for request in 0..<20 {
                                let path = paths[(connection + request) % paths.count]
                                let response = try await http.execute(
                                    HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"),
                                    timeout: .seconds(60)
                                )
                                _ = try await response.body.collect(upTo: 1 << 22)
                                statuses.append(response.status.code)
                            }
                            return statuses
                        }
                    }
                    return try await group.reduce(into: [UInt]()) { $0 += $1 }
                }
                #expect(statuses.count == 64 * 20)
                #expect(Set(statuses).isSubset(of: [200, 202]), "\(Set(statuses))")
                let health = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/health"), timeout: .seconds(60))
                #expect(health.status == .ok)
                try await http.shutdown()
            } catch {
                try await http.shutdown()
                throw error
            }
        }
    }
}
