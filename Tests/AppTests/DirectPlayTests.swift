import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// Direct play over real sockets: the original file with HTTP ranges, and a series as an M3U of signed links that
/// ffprobe (as mpv or VLC would) reads over HTTP.
@Suite("direct play")
struct DirectPlayTests {
    @Test("raw files answer ranges (first bytes, middle, suffix, 416), follow a file replaced on disk, and a series' M3U plays in ffprobe")
    func rawAndPlaylist() async throws {
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        fake.setTitles(MatchAPITests.titles2015)
        let source = await MediaFixtures.h264
        let root = NSTemporaryDirectory() + "anikura-direct-" + UUID().uuidString + "/Seikai no Monshou"
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        for episode in ["02", "01"] {
            try FileManager.default.copyItem(atPath: source, toPath: "\(root)/[Grp] Seikai no Monshou - \(episode) [720p].mkv")
        }
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_LIBRARY_MEDIA_DIRS": root]),
            database: database
        )
        let admin = TestAccounts.bearer(accounts.adminKey)
        let original = [UInt8](try Data(contentsOf: URL(fileURLWithPath: source)))
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client, headers: admin)
            let first = try #require(files["[Grp] Seikai no Monshou - 01 [720p].mkv"])
            let raw = "/api/files/\(first)/raw"
            func get(_ uri: String, _ headers: HTTPFields = [:]) async throws -> (HTTPResponse.Status, HTTPFields, [UInt8]) {
                var fields = admin
                for field in headers { fields.append(field) }
                return try await client.execute(uri: uri, method: .get, headers: fields) {
                    ($0.status, $0.headers, [UInt8]($0.body.readableBytesView))
                }
            }
            let (whole, headers, body) = try await get(raw)
            #expect(whole == .ok && body == original)
            #expect(headers[.acceptRanges] == "bytes" && headers[.contentType] == "video/x-matroska")
            let size = original.count
            for (range, bytes) in [("bytes=0-99", 0...99), ("bytes=1000-1999", 1000...1999), ("bytes=-500", (size - 500)...(size - 1))] {
                let (status, headers, body) = try await get(raw, [.range: range])
                #expect(status == .partialContent, "\(range)")
                #expect(headers[.contentRange] == "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(size)", "\(range)")
                #expect(body == Array(original[bytes]), "\(range)")
            }
            let (open, _, openBody) = try await get(raw, [.range: "bytes=\(size - 10)-"])
            #expect(open == .partialContent && openBody == Array(original[(size - 10)...]))
            let (beyond, beyondHeaders, _) = try await get(raw, [.range: "bytes=\(size)-"])
            #expect(beyond == .rangeNotSatisfiable && beyondHeaders[.contentRange] == "bytes */\(size)")
            // A stale If-Range gets the whole (new) file, never a piece of the wrong one.
            let (stale, _, _) = try await get(raw, [.range: "bytes=0-9", .ifRange: "\"1-1\""])
            #expect(stale == .ok)

            // Signed links: what the playlist hands out; a bad token is 403, no credential at all 401.
            let (anonymous, _, _) = try await client.execute(uri: raw, method: .get) { ($0.status, $0.headers, 0) }
            #expect(anonymous == .unauthorized)
            let (forged, _, _) = try await client.execute(uri: "/raw/1-0-x/\(first)/a.mkv", method: .get) { ($0.status, $0.headers, 0) }
            #expect(forged == .forbidden)
            var playlist = ""
            for _ in 0..<100 {
                let (status, _, text) = try await get("/api/series/1/playlist.m3u")
                playlist = String(decoding: text, as: UTF8.self)
                if status == .ok { break }
                try await Task.sleep(for: .milliseconds(100))  // matching follows the scan
            }
            let port = try #require(client.port)
            let urls = playlist.split(separator: "\n").filter { $0.hasPrefix("http") }
                .map { $0.replacingOccurrences(of: "http://localhost", with: "http://127.0.0.1:\(port)") }
            #expect(playlist.hasPrefix("#EXTM3U\n") && urls.count == 2, "\(playlist)")
            #expect(playlist.contains(" - 1\n") && playlist.range(of: " - 1\n")!.lowerBound < playlist.range(of: " - 2\n")!.lowerBound)
            for url in urls {
                let probe = try await ChildProcess.run(
                    "/usr/bin/env",
                    ["ffprobe", "-v", "error", "-show_entries", "format=duration", "-of", "csv=p=0", url]
                )
                let duration = Double(String(decoding: probe.standardOutput, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
                #expect(probe.status == 0 && abs(duration - 30) < 1, "\(url): \(probe.standardError.suffix(500))")
            }
            let (bad, _, _) = try await get("/api/series/1/playlist.m3u?episodes=some")
            #expect(bad == .badRequest)

            // The file replaced on disk is served as it is now.
            let path = "\(root)/[Grp] Seikai no Monshou - 01 [720p].mkv"
            let replacement = [UInt8](repeating: 7, count: 1234)
            try Data(replacement).write(to: URL(fileURLWithPath: path), options: .atomic)
            let (after, afterHeaders, afterBody) = try await get(raw)
            #expect(after == .ok && afterBody == replacement && afterHeaders[.eTag] != headers[.eTag])
        }
        try await fake.stop()
    }
}
