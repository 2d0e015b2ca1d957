import AniDBFake
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// Errors nobody planned for still explain themselves: a JSON body with a message and a log line with the cause,
/// "disk full" when the disk is full, and never a path on the routes a token alone opens.
@Suite("unexpected errors")
struct ServerErrorTests {
    @Test("a database error inside a request answers 500 with a JSON message, and the log has the cause")
    func databaseError() async throws {
        let capture = LogCapture()
        let database = try TestApp.seededDatabase()
        let app = try await TestApp.build(database: database, logger: capture.logger)
        // A table the request needs is gone: SQLite fails inside the handler.
        try await database.writer.write { try $0.execute(sql: "DROP TABLE libraryFile") }
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/library", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "application/json")
                let message = try #require((response.json()["error"] as? [String: Any])?["message"] as? String)
                #expect(message.contains("database error"))
                let reference = try #require(message.split(separator: "ref ").last?.dropLast(2))
                #expect(capture.text.contains("request failed"))
                #expect(capture.text.contains("no such table"))
                #expect(capture.text.contains("\"ref\": \(reference)"), "the log line and the answer share the reference")
            }
        }
    }

    @Test("a shared mirror database that does not answer: held documents still serve, a missing one gets 503 in time")
    func sharedDatabaseGone() async throws {
        // A "PostgreSQL" that takes connections into its backlog and never answers: a partition, a dropped route.
        let silent = LocalListener(listening: true)
        defer { silent.close() }
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        let capture = LogCapture()
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(
                fake,
                [
                    "ANIKURA_MIRROR_DATABASE_URL": "postgres://anikura:secret-pw@127.0.0.1:\(silent.port)/anikura",
                    "ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "1", "ANIKURA_MIRROR_CLIENT_WAIT_SECS": "0",
                ]
            ),
            logger: capture.logger
        )
        try await app.test(.live) { client in
            try await client.execute(uri: "/anime/1", method: .get) { #expect($0.status == .ok, "held locally") }
            for uri in ["/anime/99999", "/httpapi?request=anime&aid=99999&client=x&clientver=1&protover=1"] {
                let started = ContinuousClock.now
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .serviceUnavailable, "\(uri): \(response.status) \(response.text)")
                    #expect(response.headers[.retryAfter] == "30", "\(uri)")
                    #expect(response.text.contains("shared mirror database does not answer"), "\(uri): \(response.text)")
                }
                #expect(ContinuousClock.now - started < .seconds(15), "\(uri) answered after the 1 s deadline, not the pool's wait")
            }
        }
        #expect(fake.requests.isEmpty, "nothing fetched without the shared ledger")
        #expect(!capture.text.contains("secret-pw"), "the database password is never logged")
    }

    @Test("a full database answers 507 \"disk full\" for a request that writes")
    func diskFull() async throws {
        let directory = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let database = try AppDatabase.open(path: directory + "/anikura.sqlite")
        let app = try await TestApp.build(environment: ["ANIKURA_STORAGE_DATA_DIR": directory], database: database)
        // SQLite's own "database or disk is full": the writer may grow the file by a few pages only, and the refresh
        // queue's last pages (rows, and its index by time) are filled up to that, so the next aid queued, higher and
        // later than every row there, needs a page SQLite may not have.
        try await database.writer.write { db in
            let pages = try Int.fetchOne(db, sql: "PRAGMA page_count") ?? 0
            try db.execute(sql: "PRAGMA max_page_count = \(pages + 8)")
        }
        try await database.writer.writeWithoutTransaction { db in
            var aid = 1_000_000
            while (try? db.execute(
                sql: "INSERT INTO refreshQueue (animeId, priority, enqueuedAt, requestCount) VALUES (?, 0, 0, 1)",
                arguments: [aid]
            )) != nil {
                aid += 1
            }
        }
        try await app.test(.router) { client in
            var statuses: [HTTPResponse.Status] = []
            var bodies: [String] = []
            for aid in 5_000_001...5_000_020 {
                try await client.execute(uri: "/anime/\(aid)", method: .get) { response in
                    statuses.append(response.status)
                    bodies.append(response.text)
                }
                if statuses.last == .insufficientStorage { break }
            }
            #expect(statuses.last == .insufficientStorage, "\(statuses)")
            #expect(bodies.last?.contains("Disk full") == true)
            #expect(bodies.last?.hasPrefix("{\"detail\"") == true, "the Kometa dialect's error shape")
        }
        #expect("\(StorageFailure.explain(DatabaseError(resultCode: .SQLITE_FULL), dataDir: directory))".hasPrefix("disk full"))
    }

    @Test("a truncated source gives a 5xx that names no path, and the failed segment is never cached")
    func truncatedSource() async throws {
        let folder = NSTemporaryDirectory() + "anikura-truncated-" + UUID().uuidString + "/Show"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        // HEVC: transcoded on an even grid over the whole duration the header claims, so the last segments have
        // nothing left to encode (an H.264 file's grid is its keyframes, which a truncated file has only for its data).
        let whole = try Data(contentsOf: URL(fileURLWithPath: await MediaFixtures.hevc))
        try whole.prefix(whole.count / 3).write(to: URL(fileURLWithPath: folder + "/[Grp] Show - 01.mkv"))
        let dataDir = TestApp.temporaryDirectory()
        let app = try await TestApp.build(environment: [
            "ANIKURA_LIBRARY_MEDIA_DIRS": (folder as NSString).deletingLastPathComponent, "ANIKURA_STORAGE_DATA_DIR": dataDir,
        ])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            let id = try #require(files["[Grp] Show - 01.mkv"])
            for query in [""] {
                let ticket = try await client.execute(uri: "/api/stream/\(id)\(query)", method: .get) { try $0.json() }
                let url = try #require(ticket["url"] as? String)
                let base = String(url.split(separator: "?")[0].dropLast("master.m3u8".count))
                let master = try await StreamAPITests.get(client, url)
                let video = try #require(master.split(separator: "\n").first { $0.hasPrefix("v") && $0.hasSuffix("index.m3u8") })
                let playlist = try await StreamAPITests.get(client, base + video)
                let count = StreamAPITests.durations(playlist).count
                let segment = base + video.dropLast("index.m3u8".count) + "\(count - 1).ts"
                for attempt in 0..<2 {
                    try await client.execute(uri: segment, method: .get) { response in
                        #expect(response.status.code >= 500, "\(query) attempt \(attempt): \(response.status)")
                        #expect(!response.text.contains("/"), "no path in \(response.text)")
                        #expect(response.text.contains("could not be made"))
                    }
                }
            }
        }
        let cached = FileManager.default.enumerator(atPath: dataDir + "/hls")?.compactMap { $0 as? String } ?? []
        #expect(!cached.contains { $0.hasSuffix(".ts") && (try? Data(contentsOf: URL(fileURLWithPath: dataDir + "/hls/" + $0)).count) == 0 })
    }
}
