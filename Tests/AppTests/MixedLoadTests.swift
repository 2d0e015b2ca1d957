import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Mirror
import NIOHTTP1
import TestMedia
import Testing

@testable import App

/// Everything at once, the way a household uses the server: Kometa asking for anime, someone searching and
/// browsing, a stream playing, a scan running. `/health` must keep answering, and nothing may fail. The figures are
/// printed; `scripts/bench-reliability` holds the latency goal (p99 under 50 ms) on a release build.
@Suite("mixed load")
struct MixedLoadTests {
    @Test("random anime, search, library listing, stream segments and scans together: no errors, /health answers", .timeLimit(.minutes(3)))
    func everythingAtOnce() async throws {
        let directory = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let media = try LibraryAPITests.mediaFolder(files: 400)
        try FileManager.default.createDirectory(atPath: media + "/Show", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: await MediaFixtures.h264, toPath: media + "/Show/[Grp] Show - 01 [1080p].mkv")
        let database = try AppDatabase.open(path: directory + "/anikura.sqlite", mapReaders: true)
        _ = try SeedImporter(store: MirrorStore(writer: database.writer)).run(directory: TestApp.demoSeed)
        let app = try await TestApp.build(
            environment: ["ANIKURA_STORAGE_DATA_DIR": directory, "ANIKURA_LIBRARY_MEDIA_DIRS": media, "ANIKURA_MIRROR_MEMORY_CACHE_MB": "0"],
            database: database
        )
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let http = HTTPClient.shared
            func get(_ path: String, method: HTTPMethod = .GET) async throws -> (UInt, String) {
                var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
                request.method = method
                let response = try await http.execute(request, timeout: .seconds(60))
                return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 24)))
            }
            // A library to list and a stream to play.
            _ = try await get("/api/library/scan", method: .POST)
            var fileId: Int?
            for _ in 0..<300 where fileId == nil {
                let (_, text) = try await get("/api/library")
                let listing = try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
                let files = (listing["series"] as? [[String: Any]] ?? []).flatMap { $0["files"] as? [[String: Any]] ?? [] }
                fileId = files.first { ($0["path"] as? String)?.hasSuffix("Show - 01 [1080p].mkv") == true }?["id"] as? Int
                try await Task.sleep(for: .milliseconds(20))
            }
            let id = try #require(fileId)
            let (_, ticket) = try await get("/api/stream/\(id)")
            let url = try #require(try JSONSerialization.jsonObject(with: Data(ticket.utf8)) as? [String: Any])["url"] as? String
            let base = try #require(url).dropLast("master.m3u8".count)

            let aids = [1, 22, 959, 10145, 2322, 5576, 13217, 77777, 88888]
            let deadline = Date().addingTimeInterval(8)
            let failures = LockedBox<[String]>([])
            let health = LockedBox<[Double]>([])
            try await withThrowingTaskGroup(of: Void.self) { group in
                // Each worker paces itself a little: the whole test suite runs beside this on two cores, and the test
                // is about everything working together, not about saturating the machine (the benchmark does that).
                func load(
                    _ paths: @escaping @Sendable (Int) -> String,
                    allowed: Set<UInt> = [200],
                    method: HTTPMethod = .GET,
                    pause: Duration = .milliseconds(5)
                ) {
                    group.addTask {
                        var step = 0
                        while Date() < deadline {
                            let path = paths(step)
                            let (status, body) = try await get(path, method: method)
                            if !allowed.contains(status) { failures.withLock { $0.append("\(path): \(status) \(body.prefix(80))") } }
                            step += 1
                            try await Task.sleep(for: pause)
                        }
                    }
                }
                for worker in 0..<4 { load({ step in "/anime/\(aids[(step * 7 + worker) % aids.count])" }, allowed: [200, 202]) }
                load({ step in "/api/search?q=\(["haikyuu", "evangelion", "monshou", "zzz"][step % 4])" })
                load({ _ in "/api/library" })
                load({ step in "/api/anime/\(aids[step % 7])" })
                load({ step in "\(base)v/\(step % 5).ts" })
                load({ _ in "/api/library/scan" }, allowed: [202], method: .POST, pause: .milliseconds(300))
                group.addTask {
                    // At least three probes even when the machine is so loaded that one takes seconds (seen in CI):
                    // the claim is that /health answers while everything else runs, not how fast.
                    var probes = 0
                    while Date() < deadline || probes < 3 {
                        probes += 1
                        let started = Date()
                        let (status, _) = try await get("/health")
                        if status != 200 { failures.withLock { $0.append("/health: \(status)") } }
                        health.withLock { $0.append(Date().timeIntervalSince(started)) }
                        try await Task.sleep(for: .milliseconds(10))
                    }
                }
                try await group.waitForAll()
            }
            let latencies = health.withLock { $0 }.sorted()
            if let last = latencies.last {
                let p99 = latencies[min(latencies.count - 1, latencies.count * 99 / 100)]
                print(
                    "mixed load: /health \(latencies.count) probes, "
                        + String(format: "p50 %.1f ms, p99 %.1f ms, max %.1f ms", latencies[latencies.count / 2] * 1000, p99 * 1000, last * 1000)
                )
            }
            // Latency is printed, not asserted (the whole suite shares two cores; scripts/bench-reliability holds
            // the goal on a release build): nothing may fail, and /health must keep answering.
            #expect(failures.withLock { $0 }.isEmpty, "\(failures.withLock { $0.prefix(10) })")
            #expect(latencies.count >= 3, "/health kept answering")
        }
    }
}
