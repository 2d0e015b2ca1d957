import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mirror
import Testing

@testable import App

@Suite("AniDB HTTP API dialect")
struct AniDBDialectTests {
    static let good = "/httpapi?request=anime&client=shoko&clientver=1&protover=1"

    @Test("the stored bytes, gzip-compressed, exactly as AniDB gave them", arguments: ["1.xml", "AnimeDoc_4726.xml"])
    func document(file: String) async throws {
        let aid = file.filter(\.isNumber)
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: Self.good + "&aid=\(aid)", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentEncoding] == "gzip")
                #expect(Gzip.isGzip(response.bytes))
                let body = try SystemGzip.decompress(response.bytes)
                #expect(body == TestApp.file(file))
            }
        }
    }

    @Test(
        "AniDB's own error bodies, gzip-compressed, with HTTP 200",
        arguments: [
            ("/httpapi?request=anime&aid=1", "<error code=\"302\">client version missing or invalid</error>"),
            ("/httpapi?request=anime&aid=1&client=x&clientver=abc&protover=1", "<error code=\"302\">client version missing or invalid</error>"),
            (good + "&aid=abc", "<error>aid Missing or Invalid</error>"),
            (good + "&aid=0", "<error>aid Missing or Invalid</error>"),
            (good, "<error>aid Missing or Invalid</error>"),
            ("/httpapi?request=hints&client=x&clientver=1&protover=1", "<error code=\"310\">illegal input or access denied</error>"),
        ]
    )
    func errors(uri: String, body: String) async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentEncoding] == "gzip")
                let text = String(decoding: try SystemGzip.decompress(response.bytes), as: UTF8.self)
                #expect(text == body)
            }
        }
    }

    @Test("an aid we do not have yet is queued and answered 503 with Retry-After")
    func missing() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: Self.good + "&aid=31337", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.headers[.retryAfter] != nil)
            }
            try await client.execute(uri: "/stats", method: .get) { response in
                let json = try response.json()
                #expect(json["queue_size"] as? Int == 1)
            }
        }
    }
}

@Suite("native JSON API")
struct NativeAPITests {
    @Test("the whole shredded anime")
    func anime() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/anime/1", method: .get) { response in
                #expect(response.status == .ok)
                let record = try JSONDecoder().decode(AnimeRecord.self, from: Data(response.bytes))
                #expect(record.aid == 1)
                #expect(record.title == "Seikai no Monshou")
                #expect(record.titles.count == 9)
                #expect(record.episodes.count == 16)
                #expect(record.episodes.first?.number == "1")
                #expect(record.episodes.last?.type == "credit")
                #expect(record.relations.map(\.aid) == [4, 6, 1623])
                #expect(record.ratings.permanent?.value == 8.17 && record.ratings.permanent?.count == 4303)
                #expect(record.resources.contains { $0.site == "MyAnimeList" && $0.identifiers == ["290"] })
                #expect(record.creators.count == 5)
                #expect(record.newestUpdate == "2017-04-17")
            }
            try await client.execute(uri: "/api/anime/5081", method: .get) { response in
                let json = try response.json()
                #expect(json["startDate"] as? String == "1982-10")
                #expect(json["endDate"] as? String == "1983")
            }
        }
    }

    @Test(
        "errors are {\"error\": {\"message\"}} with a fitting status",
        arguments: [
            ("/api/anime/77777", HTTPResponse.Status.notFound), ("/api/anime/x", .badRequest),
            ("/api/anime/77777/franchise", .notFound), ("/api/search", .badRequest), ("/api/search?q=%20", .badRequest),
            ("/api/search?q=a&limit=0", .badRequest), ("/api/tags/999999", .notFound), ("/api/tags/-1", .badRequest),
        ]
    )
    func errors(uri: String, status: HTTPResponse.Status) async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: uri, method: .get) { response in
                #expect(response.status == status)
                let json = try response.json()
                #expect(((json["error"] as? [String: Any])?["message"] as? String)?.isEmpty == false)
            }
        }
    }

    @Test("franchise graph and title search")
    func franchiseAndSearch() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/anime/1/franchise", method: .get) { response in
                let graph = try JSONDecoder().decode(Franchise.self, from: Data(response.bytes))
                #expect(graph.root == 1)
                #expect(graph.nodes.map(\.aid) == [1, 4, 6, 1623])
                #expect(graph.nodes.dropFirst().allSatisfy { !$0.known && $0.depth == 1 })
                #expect(graph.edges.contains { $0.from == 1 && $0.to == 4 && $0.type == "Sequel" })
            }
            try await client.execute(uri: "/api/search?q=EVANGELION", method: .get) { response in
                let json = try response.json()
                let results = try #require(json["results"] as? [[String: Any]])
                #expect(results.first?["aid"] as? Int == 22)
            }
            try await client.execute(uri: "/api/search?q=%E6%98%9F%E7%95%8C", method: .get) { response in  // 星界
                let json = try response.json()
                let results = try #require(json["results"] as? [[String: Any]])
                #expect(results.first?["aid"] as? Int == 1)
            }
            try await client.execute(uri: "/api/search?q=kite", method: .get) { response in
                let json = try response.json()
                #expect((json["results"] as? [Any])?.isEmpty == true, "restricted anime stay out without mature")
            }
            try await client.execute(uri: "/api/search?q=kite&mature=true", method: .get) { response in
                let json = try response.json()
                #expect(((json["results"] as? [[String: Any]])?.first)?["aid"] as? Int == 314)
            }
        }
    }
}

@Suite("real sockets and security")
struct LiveServerTests {
    @Test("the server answers over a real socket")
    func live() async throws {
        let app = try await TestApp.build()
        try await app.test(.live) { client in
            try await client.execute(uri: "/anime/959?mature=true", method: .get) { response in
                #expect(response.status == .ok)
                #expect(response.bytes == TestApp.file("959.xml"))
            }
            try await client.execute(uri: "/api/anime/959", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }

    @Test("with the mirror closed to anonymous readers (anonymous_mirror = false) its routes need HTTP Basic or a key")
    func basicAuth() async throws {
        let app = try await TestApp.build(environment: [
            "ANIKURA_SERVER_USERNAME": "kometa", "ANIKURA_SERVER_PASSWORD": "s3cret", "ANIKURA_SERVER_ANONYMOUS_MIRROR": "false",
        ])
        let good = "Basic " + Data("kometa:s3cret".utf8).base64EncodedString()
        let bad = "Basic " + Data("kometa:guess".utf8).base64EncodedString()
        try await app.test(.live) { client in
            try await client.execute(uri: "/anime/1", method: .get) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.wwwAuthenticate] != nil)
            }
            try await client.execute(uri: "/stats", method: .get, headers: [.authorization: bad]) { response in
                #expect(response.status == .unauthorized)
            }
            try await client.execute(uri: "/anime/1", method: .get, headers: [.authorization: good]) { response in
                #expect(response.status == .ok)
            }
            // The scheme is case-insensitive (RFC 7235 §2.1); an empty password is not the password.
            let lower = "basic " + Data("kometa:s3cret".utf8).base64EncodedString()
            try await client.execute(uri: "/anime/1", method: .get, headers: [.authorization: lower]) { response in
                #expect(response.status == .ok)
            }
            let empty = "Basic " + Data("kometa:".utf8).base64EncodedString()
            try await client.execute(uri: "/anime/1", method: .get, headers: [.authorization: empty]) { response in
                #expect(response.status == .unauthorized)
            }
        }
    }
}

@Suite("web page")
struct WebPageTests {
    @Test("every page path serves the app shell, its modules load, and the home page reads only real /stats fields")
    func index() async throws {
        let web = URL(fileURLWithPath: TestApp.repositorySeed).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("web").path
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_WEB_DIR": web])
        try await app.test(.router) { client in
            for page in ["/", "/library", "/series/1", "/watch/1", "/attention", "/mirror", "/settings", "/login"] {
                try await client.execute(uri: page, method: .get) { response in
                    #expect(response.status == .ok, "\(page)")
                    #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                    #expect(response.text.contains(#"<script type="module" src="/js/main.js">"#), "\(page)")
                }
            }
            let modules = try FileManager.default.contentsOfDirectory(atPath: web + "/js/views")
            #expect(modules.count >= 9)
            for module in modules {
                try await client.execute(uri: "/js/views/\(module)", method: .get) { response in
                    #expect(response.status == .ok && response.headers[.contentType] == "text/javascript; charset=utf-8")
                    // Revalidation by the file's hash: unchanged files cost a 304.
                    let etag = try #require(response.headers[.eTag])
                    try await client.execute(uri: "/js/views/\(module)", method: .get, headers: [.ifNoneMatch: etag]) {
                        #expect($0.status == .notModified)
                    }
                }
            }
            try await client.execute(uri: "/player?file=12&player=native", method: .get) { response in
                #expect(response.status == .found && response.headers[.location] == "/watch/12?player=native")
            }
            let home = try await client.execute(uri: "/js/views/home.js", method: .get) { $0.text }
            #expect(home.contains("api.stats()"))
            // Every /stats field the home page's health line reads exists.
            let fields = Set(home.matches(of: /\bstats\.([a-z_0-9]+)/).map { String($0.1) })
            #expect(fields.count >= 6)
            try await client.execute(uri: "/stats", method: .get) { response in
                let json = try response.json()
                for field in fields { #expect(json[field] != nil, "the home page reads /stats field \(field)") }
            }
            try await client.execute(uri: "/api/library", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
