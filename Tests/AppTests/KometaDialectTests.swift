import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

@testable import App

@Suite("Kometa / AniDB-Service dialect")
struct KometaDialectTests {
    @Test("a cached anime is served byte for byte with cache headers", arguments: ["", "/anidb-service"])
    func cachedAnime(prefix: String) async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: prefix + "/anime/1?mature=true", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "application/xml")
                #expect(response.headers[HTTPField.Name("X-Cache")!] == "HIT")
                #expect(response.headers[HTTPField.Name("X-Age-Days")!] == "0")
                #expect(response.headers[HTTPField.Name("X-Mature-Filter")!] == "disabled")
                #expect(response.headers[.eTag]?.hasPrefix("\"") == true)
                #expect(response.headers[.lastModified]?.hasSuffix(" GMT") == true)
                #expect(response.bytes == TestApp.file("1.xml"))
            }
            // Without adult tags the default (mature=false) is the same bytes.
            try await client.execute(uri: prefix + "/anime/1", method: .get) { response in
                #expect(response.bytes == TestApp.file("1.xml"))
                #expect(response.headers[HTTPField.Name("X-Mature-Filter")!] == "enabled")
            }
        }
    }

    @Test("mature=false serves the document without adult tags, still complete and valid")
    func matureFilter() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/anime/11021", method: .get) { response in
                #expect(response.status == .ok)
                #expect(!response.text.contains("<name>18 restricted</name>"))
                #expect(response.text.hasPrefix("<?xml version=\"1.0\" encoding=\"UTF-8\"?>"))
                #expect(response.text.contains("<name>pornography</name>"), "only the 18 restricted tag goes, as AniDB-Service does")
            }
            try await client.execute(uri: "/anime/11021?mature=true", method: .get) { response in
                #expect(response.bytes == TestApp.file("11021.xml"))
            }
            try await client.execute(uri: "/anime/314", method: .get) { response in
                #expect(!response.text.contains("<name>18 Restricted</name>"))
                #expect(response.text.contains("<name>Action</name>"))
            }
        }
    }

    @Test("an entry older than stale_after_days is served as STALE")
    func stale() async throws {
        let app = try await TestApp.build(clock: ManualClock(now: TestApp.seedTime + 8 * 86_400))
        try await app.test(.router) { client in
            try await client.execute(uri: "/anime/22", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[HTTPField.Name("X-Cache")!] == "STALE")
                #expect(response.headers[HTTPField.Name("X-Age-Days")!] == "8")
            }
        }
    }

    @Test("an aid with no document is recorded once and answered 202 with JSON, saying fetching is off")
    func queued() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/anime/424242", method: .get) { response in
                    #expect(response.status == .accepted)
                    #expect(response.headers[.retryAfter] != nil)
                    let json = try response.json()
                    let detail = json["detail"] as? String ?? ""
                    #expect(detail.hasPrefix("AID 424242 is queued for fetching"))
                    #expect(detail.contains("fetching from AniDB is off"))
                    #expect(json["estimated_fetch_at"] is NSNull)
                    #expect(json["aid"] as? Int == 424242)
                    #expect(json["queue_position"] as? Int == 1)
                    #expect(json["queue_size"] as? Int == 1)
                }
            }
            try await client.execute(uri: "/stats", method: .get) { response in
                let json = try response.json()
                #expect(json["queue_size"] as? Int == 1)
            }
        }
    }

    @Test(
        "bad aids and parameters get 400 with a detail, never a crash",
        arguments: [
            "/anime/abc", "/anime/0", "/anime/-5", "/anime/99999999999", "/anime/1.5", "/anime/%20",
            "/anime/..%2F..%2Fetc%2Fpasswd", "/anime/1?mature=maybe", "/tags/0", "/tags/abc", "/tags/36?limit=0",
            "/tags/36?limit=1001", "/search/tags", "/search/tags?tags=,,", "/search/tags?tags=a&min_weight=x",
        ]
    )
    func badRequests(uri: String) async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .badRequest)
                #expect(response.headers[.contentType] == "application/json")
                let json = try response.json()
                #expect((json["detail"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("refusals by the access checks (401, 429) are worded as AniDB-Service words them on Kometa's routes, natively elsewhere")
    func refusalsInDialect() async throws {
        // An install with an account (anonymous readers are then rate-limited), one anonymous request per 10 s.
        let app = try await TestApp.build(environment: [
            "ANIKURA_SERVER_USERNAME": "kometa", "ANIKURA_SERVER_PASSWORD": "s3cret", "ANIKURA_SERVER_ANONYMOUS_BURST": "1",
            "ANIKURA_SERVER_ANONYMOUS_RATE_PER_SEC": "0.1", "ANIKURA_SERVER_SIGNIN_FAILURE_LIMIT": "1000",
        ])
        try await app.test(.live) { client in
            for (path, kometa) in [("/anime/1", true), ("/anidb-service/stats", true), ("/search/tags?tags=x", true), ("/api/anime/1", false)] {
                try await client.execute(uri: path, method: .get, headers: [.xApiKey: "ak_wrong"]) { response in
                    #expect(response.status == .unauthorized, "\(path)")
                    let json = try response.json()
                    if kometa {
                        #expect(json["detail"] as? String == "Wrong credentials.", "\(path): \(json)")
                    } else {
                        #expect((json["error"] as? [String: Any])?["message"] as? String == "Wrong credentials.", "\(path): \(json)")
                    }
                }
            }
            // Anonymous readers over their burst: 429, with Retry-After.
            _ = try await client.execute(uri: "/stats", method: .get) { $0.status }
            try await client.execute(uri: "/stats", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.retryAfter] != nil)
                let detail = try response.json()["detail"] as? String
                #expect(detail?.contains("Too many requests") == true)
            }
        }
    }

    @Test("unknown routes are 404, oversized request targets 414")
    func unknownAndOversized() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/../../etc/passwd", method: .get) { response in
                #expect(response.status == .notFound)
            }
            try await client.execute(uri: "/anime/1?x=" + String(repeating: "a", count: 5000), method: .get) { response in
                #expect(response.status == .uriTooLong)
            }
        }
    }

    @Test("tags/{id} has AniDB-Service's shape")
    func tagListing() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/tags/36?limit=2", method: .get) { response in
                let json = try response.json()
                #expect(Set(json.keys) == ["tag_id", "tag_name", "limit", "mature", "count", "results"])
                #expect(json["tag_id"] as? Int == 36)
                #expect(json["tag_name"] as? String == "military")
                #expect(json["limit"] as? Int == 2)
                #expect(json["mature"] as? Bool == false)
                let results = try #require(json["results"] as? [[String: Any]])
                #expect(results.count == 2 && json["count"] as? Int == 2)
                #expect(Set(results[0].keys) == ["aid", "weight"])
                #expect((results[0]["weight"] as? Int ?? 0) >= (results[1]["weight"] as? Int ?? 0))
            }
            try await client.execute(uri: "/tags/999999", method: .get) { response in
                let json = try response.json()
                #expect(json["tag_name"] is NSNull)
                #expect(json["count"] as? Int == 0)
            }
        }
    }

    @Test("search/tags and stats have AniDB-Service's shapes")
    func searchAndStats() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/search/tags?tags=Military,action&min_weight=0", method: .get) { response in
                let json = try response.json()
                #expect(Set(json.keys) == ["query", "min_weight", "mature", "results"])
                #expect(json["query"] as? [String] == ["military", "action"])
                #expect(json["min_weight"] as? Int == 0)
                let results = try #require(json["results"] as? [[String: Any]])
                #expect(Set(results[0].keys) == ["aid", "tag_matches"])
                #expect(results.first?["tag_matches"] as? Int == 2)
                #expect(!results.contains { $0["aid"] as? Int == 11021 || $0["aid"] as? Int == 314 })
            }
            try await client.execute(uri: "/search/tags?tags=military", method: .get) { response in
                let json = try response.json()
                #expect(json["min_weight"] as? Int == 200, "AniDB-Service's default")
            }
            try await client.execute(uri: "/stats", method: .get) { response in
                let json = try response.json()
                for key in ["status", "cached_anime", "api_calls_last_24h", "queue_size", "daily_limit"] {
                    #expect(json[key] != nil, "\(key)")
                }
                #expect(json["status"] as? String == "online")
                #expect(json["cached_anime"] as? Int == 19)
                #expect(json["daily_limit"] as? Int == 200)
            }
        }
    }

    @Test("ETag and Last-Modified answer conditional requests with 304")
    func conditional() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            let first = try await client.execute(uri: "/anime/1", method: .get)
            let etag = try #require(first.headers[.eTag])
            let modified = try #require(first.headers[.lastModified])
            try await client.execute(uri: "/anime/1", method: .get, headers: [.ifNoneMatch: etag]) { response in
                #expect(response.status == .notModified)
                #expect(response.body.readableBytes == 0)
            }
            try await client.execute(uri: "/anime/1", method: .get, headers: [.ifNoneMatch: "\"other\""]) { response in
                #expect(response.status == .ok)
            }
            try await client.execute(uri: "/anime/1", method: .get, headers: [.ifModifiedSince: modified]) { response in
                #expect(response.status == .notModified)
            }
            try await client.execute(
                uri: "/anime/1",
                method: .get,
                headers: [.ifModifiedSince: "Mon, 01 Jan 2001 00:00:00 GMT"]
            ) { response in
                #expect(response.status == .ok)
            }
            // The filtered variant is another representation with another validator.
            let full = try await client.execute(uri: "/anime/11021?mature=true", method: .get)
            let safe = try await client.execute(uri: "/anime/11021", method: .get)
            #expect(full.headers[.eTag] != safe.headers[.eTag])
        }
    }
}

@Suite("start-up seed import")
struct StartupSeedTests {
    @Test("mirror.seed_dir is imported in the background while the server already answers")
    func seedAtStartup() async throws {
        let app = try await buildApplication(
            configuration: TestApp.configuration(["ANIKURA_MIRROR_SEED_DIR": TestApp.demoSeed]),
            logger: .init(label: "test"),
            database: AppDatabase.open(path: nil)
        )
        try await app.test(.live) { client in
            var cached = 0
            for _ in 0..<100 where cached < 19 {
                let response = try await client.execute(uri: "/stats", method: .get)
                #expect(response.status == .ok)
                cached = try response.json()["cached_anime"] as? Int ?? 0
                if cached < 19 { try await Task.sleep(for: .milliseconds(50)) }
            }
            #expect(cached == 19)
            try await client.execute(uri: "/anime/22?mature=true", method: .get) { response in
                #expect(response.bytes == TestApp.file("22.xml"))
            }
        }
    }
}
