import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@testable import App

/// Compression, entity tags, security headers and the JSON body of every refusal (issue 30, points 6 and 7), over
/// real sockets. gzip is decoded by the system's `gzip`, not by the product's own zlib code.
@Suite("answers: compression, ETags, headers")
struct ResponseShapingTests {
    /// AsyncHTTPClient without its own decompression: the bytes as sent.
    static func get(
        _ http: HTTPClient,
        _ port: Int,
        _ path: String,
        _ headers: [(String, String)] = []
    ) async throws -> (
        status: UInt, headers: HTTPHeaders, body: [UInt8]
    ) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        let response = try await http.execute(request, timeout: .seconds(60))
        return (response.status.code, response.headers, Array(buffer: try await response.body.collect(upTo: 64 << 20)))
    }

    @Test(
        "JSON is gzipped when the client accepts it, and the gzip decodes to the plain answer; /api/shelf and /api/series carry an ETag that gives 304"
    )
    func jsonCompressedAndTagged() async throws {
        let app = try await TestApp.build()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await AccessProbeTests.withClient { (http: HTTPClient) async throws in
                let plain = try await Self.get(http, port, "/api/search?q=a&limit=100")
                #expect(plain.status == 200 && plain.headers["Content-Encoding"].isEmpty && plain.body.count > 1024)
                let gzipped = try await Self.get(http, port, "/api/search?q=a&limit=100", [("Accept-Encoding", "br;q=1, gzip;q=0.8")])
                #expect(gzipped.headers["Content-Encoding"].first == "gzip" && gzipped.headers["Vary"].first == "Accept-Encoding")
                #expect(gzipped.body.count < plain.body.count / 2, "\(gzipped.body.count) of \(plain.body.count)")
                #expect(try SystemGzip.decompress(gzipped.body) == plain.body)
                // gzip;q=0 means no.
                let refused = try await Self.get(http, port, "/api/search?q=a&limit=100", [("Accept-Encoding", "gzip;q=0, identity")])
                #expect(refused.headers["Content-Encoding"].isEmpty && refused.body == plain.body)

                for path in ["/api/shelf", "/api/series/1", "/api/library"] {
                    let first = try await Self.get(http, port, path, [("Accept-Encoding", "gzip")])
                    #expect(first.status == 200, "\(path)")
                    let tag = try #require(first.headers["ETag"].first, "\(path)")
                    #expect(tag.hasPrefix("W/\""))
                    let again = try await Self.get(http, port, path, [("Accept-Encoding", "gzip"), ("If-None-Match", tag)])
                    #expect(again.status == 304 && again.body.isEmpty, "\(path)")
                    // Without gzip the same tag still matches (weak comparison), and a stale one does not.
                    #expect(try await Self.get(http, port, path, [("If-None-Match", tag)]).status == 304)
                    #expect(try await Self.get(http, port, path, [("If-None-Match", "W/\"stale\"")]).status == 200)
                }
            }
        }
    }

    @Test("the web app's files are gzipped once at start, with an ETag and 304")
    func staticFiles() async throws {
        let app = try await TestApp.build()
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await AccessProbeTests.withClient { (http: HTTPClient) async throws in
                for path in ["/js/main.js", "/css/app.css", "/library"] {
                    let plain = try await Self.get(http, port, path)
                    let gzipped = try await Self.get(http, port, path, [("Accept-Encoding", "gzip, deflate")])
                    #expect(gzipped.headers["Content-Encoding"].first == "gzip", "\(path)")
                    #expect(try SystemGzip.decompress(gzipped.body) == plain.body, "\(path)")
                    let tag = try #require(gzipped.headers["ETag"].first)
                    #expect(try await Self.get(http, port, path, [("If-None-Match", tag)]).status == 304, "\(path)")
                }
            }
        }
    }

    @Test("pages carry a CSP that allows exactly the shell's import map, frame protection and nosniff; every answer has nosniff")
    func securityHeaders() async throws {
        let app = try await TestApp.build()
        try await app.test(.live) { client in
            try await client.execute(uri: "/library", method: .get) { response in
                let csp = try #require(response.headers[.contentSecurityPolicy])
                #expect(csp.contains("frame-ancestors 'none'") && csp.contains("object-src 'none'") && csp.contains("default-src 'self'"))
                #expect(!csp.contains("'unsafe-eval'") && !csp.contains("script-src 'self' 'unsafe-inline'"))
                // The one inline script of the shell, hashed independently of the product's code.
                let shell = String(buffer: response.body)
                let start = try #require(shell.range(of: "<script type=\"importmap\">"))
                let end = try #require(shell[start.upperBound...].range(of: "</script>"))
                let inline = String(shell[start.upperBound..<end.lowerBound])
                let hash = try Self.opensslHash(inline)
                #expect(csp.contains("'sha256-\(hash)'"), "\(csp)")
                #expect(response.headers[.xFrameOptions] == "DENY" && response.headers[.referrerPolicy] == "same-origin")
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
            }
            for path in ["/api/stats", "/health", "/no/such/page", "/js/main.js"] {
                try await client.execute(uri: path, method: .get) { #expect($0.headers[.xContentTypeOptions] == "nosniff", "\(path)") }
            }
        }
    }

    static func opensslHash(_ text: String) throws -> String {
        let file = NSTemporaryDirectory() + "anikura-inline-\(UUID().uuidString)"
        try Data(text.utf8).write(to: URL(fileURLWithPath: file))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/sh")
        process.arguments = ["-c", "openssl dgst -sha256 -binary '\(file)' | base64"]
        let output = Pipe()
        process.standardOutput = output
        try process.run()
        let data = output.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test("refusals carry the usual JSON body: an unknown API path, oversized bodies on the match routes, a wrong method")
    func refusalsHaveBodies() async throws {
        let app = try await TestApp.build()
        try await app.test(.live) { client in
            let big = ByteBuffer(string: String(repeating: "x", count: 10_000))
            for (uri, method, body) in [
                ("/api/no-such-thing", HTTPRequest.Method.get, nil as ByteBuffer?), ("/api/matches/1", .post, big),
                ("/api/matches/files/1", .post, big),
            ] {
                try await client.execute(uri: uri, method: method, headers: [.contentType: "application/json"], body: body) { response in
                    #expect(response.status.code >= 400 && response.status.code < 500, "\(uri)")
                    #expect(response.headers[.contentType] == "application/json", "\(uri)")
                    let json = try response.json()
                    let message = (json["error"] as? [String: Any])?["message"] as? String
                    #expect(message?.isEmpty == false, "\(uri): \(response.text)")
                    if body != nil { #expect(response.status == .contentTooLarge, "\(uri)") }
                }
            }
        }
    }
}
