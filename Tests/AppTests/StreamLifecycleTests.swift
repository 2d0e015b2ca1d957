import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// What the README promises of streaming in the running app, read from `/metrics` and the data folder: producers
/// nobody uses stop after `hls.idle_secs`, and `hls.cache_mb` caps the segment cache.
@Suite("streaming in the running app")
struct StreamLifecycleTests {
    /// The value of an unlabelled gauge in `/metrics`.
    static func gauge(_ client: some TestClientProtocol, _ name: String) async throws -> Double {
        let text = try await StreamAPITests.get(client, "/metrics")
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix(name + " ") }, "\(name) in /metrics")
        return try #require(Double(line.split(separator: " ")[1]))
    }

    @Test("a producer stays while it is used and stops once nobody asked for hls.idle_secs")
    func idleProducersStop() async throws {
        let app = try await TestApp.build(environment: [
            "ANIKURA_LIBRARY_MEDIA_DIRS": try await StreamAPITests.mediaFolder(), "ANIKURA_HLS_IDLE_SECS": "10",
            "ANIKURA_HLS_TRANSCODE_HEIGHT": "240",
        ])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            #expect(try await Self.gauge(client, "anikura_stream_producers") == 0)
            var asked = ContinuousClock.now
            for name in [StreamAPITests.h264Name, StreamAPITests.hevcName] {
                let id = try #require(files[name])
                let url = try #require(try await StreamAPITests.ticket(client, id)["url"] as? String)
                let base = String(url.dropLast("master.m3u8".count))
                let video = name == StreamAPITests.h264Name ? "v" : "v-h264-240"
                asked = ContinuousClock.now
                _ = try await StreamAPITests.get(client, base + "\(video)/0.ts")
            }
            // The transcode was just used (the remux a moment before: on a loaded machine it may already be idle).
            #expect(try await Self.gauge(client, "anikura_stream_producers") >= 1)
            #expect(try await Self.gauge(client, "anikura_stream_transcodes_active") == 1)
            // Gone within idle_secs plus one sweep (every idle_secs / 4). Its idle time counts from when it served the
            // segment, which is after it was asked for: so never sooner than idle_secs after the request, however slow.
            var remaining = 1.0
            while remaining > 0, ContinuousClock.now - asked < .seconds(90) {
                try await Task.sleep(for: .milliseconds(250))
                remaining = try await Self.gauge(client, "anikura_stream_producers")
            }
            let waited = ContinuousClock.now - asked
            #expect(remaining == 0, "idle producers stopped")
            #expect(waited >= .seconds(10), "kept until idle: \(waited) after the request")
            #expect(try await Self.gauge(client, "anikura_stream_transcodes_active") == 0)
        }
    }

    @Test("hls.cache_mb caps the cache: segments left by an earlier run go, oldest first, when new ones come")
    func cacheCap() async throws {
        let data = TestApp.temporaryDirectory()
        // 72 MiB of segments from "an earlier run" (sparse files: their size counts, no disk is used), each older
        // than the last one written.
        let old = data + "/hls/1-1-1/v"
        try FileManager.default.createDirectory(atPath: old, withIntermediateDirectories: true)
        let now = Date().timeIntervalSince1970
        for index in 0..<8 {
            let path = old + "/\(index).ts"
            #expect(FileManager.default.createFile(atPath: path, contents: nil))
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
            try handle.truncate(atOffset: 9 << 20)
            try handle.close()
            let date = Date(timeIntervalSince1970: now - 3600 + Double(index) * 60)
            try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path)
        }
        let app = try await TestApp.build(environment: [
            "ANIKURA_LIBRARY_MEDIA_DIRS": try await StreamAPITests.mediaFolder(), "ANIKURA_STORAGE_DATA_DIR": data,
            "ANIKURA_HLS_CACHE_MB": "64", "ANIKURA_HLS_PREFETCH_SEGMENTS": "0",
        ])
        try await app.test(.live) { client in
            let capacity = try await Self.gauge(client, "anikura_hls_cache_capacity_bytes")
            #expect(capacity == Double(64 << 20))
            #expect(try await Self.gauge(client, "anikura_hls_cache_bytes") == Double(72 << 20), "the earlier run's segments count")
            let files = try await StreamAPITests.library(client)
            let id = try #require(files[StreamAPITests.h264Name])
            let url = try #require(try await StreamAPITests.ticket(client, id)["url"] as? String)
            let base = String(url.dropLast("master.m3u8".count))
            let segment = try await client.execute(uri: base + "v/0.ts", method: .get) { response in
                #expect(response.status == .ok)
                return response.bytes
            }
            #expect(segment.count > 1000)
            // Evicted: the fewest of the oldest that bring the total under the cap with the new segment in.
            var evicted = 0
            while (72 - 9 * evicted) << 20 + segment.count > 64 << 20 { evicted += 1 }
            let used = try await Self.gauge(client, "anikura_hls_cache_bytes")
            #expect(used == Double((72 - 9 * evicted) << 20 + segment.count), "\(used) bytes kept under the cap")
            #expect(used <= capacity)
            let left = try FileManager.default.contentsOfDirectory(atPath: old).sorted()
            #expect(left == (evicted..<8).map { "\($0).ts" }, "only the oldest went: \(left)")
            // What was evicted really left the disk, and the new segment is there.
            var total = 0
            let walker = try #require(FileManager.default.enumerator(atPath: data + "/hls"))
            for case let relative as String in walker where relative.hasSuffix(".ts") {
                let size = try FileManager.default.attributesOfItem(atPath: data + "/hls/" + relative)[.size] as? Int ?? 0
                total += size
            }
            #expect(Double(total) == used, "the files on disk add up to what the cache counts")
        }
    }
}
