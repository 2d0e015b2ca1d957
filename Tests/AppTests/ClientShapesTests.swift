import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Mirror
import NIOCore
import NIOHTTP1
import Testing

@testable import App

/// The requests the popular AniDB clients really send, and the settings that point them at Anikura.
@Suite("clients pointed at Anikura")
struct ClientShapesTests {
    /// (client, the exact path and query it asks for): Shoko's relative `httpapi?…` on its configured base, HAMA's and
    /// the Jellyfin plugin's hard-coded `http://api.anidb.net:9001/httpapi?…`, Bazarr's parameters in its order.
    static let shapes: [(String, String, [(String, String)])] = [
        ("Shoko", "/httpapi?client=shokoserver&clientver=2&protover=1&request=anime&aid=1", [("User-Agent", "ShokoServer")]),
        ("HAMA", "/httpapi?request=anime&client=hama&clientver=1&protover=1&aid=1", [("User-Agent", "PlexMediaServer")]),
        (
            "Jellyfin AniDB plugin", "/httpapi?request=anime&client=mediabrowser&clientver=1&protover=1&aid=1",
            [("User-Agent", "Jellyfin-Server/10.10")]
        ),
        ("Bazarr", "/httpapi?request=anime&client=bazarr&clientver=1&protover=1&aid=1", [("User-Agent", "Bazarr/1")]),
    ]

    @Test("a second listener (server.extra_binds) answers each client's exact /httpapi request, Host: api.anidb.net:9001 too")
    func extraListenerAnswersEveryClient() async throws {
        let extra = LocalListener.freePort()
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_EXTRA_BINDS": #"["127.0.0.1:\#(extra)"]"#])
        try await app.test(.live) { client in
            var configuration = HTTPClient.Configuration()
            configuration.decompression = .disabled
            let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            var failures: [String] = []
            do {
                // The extra listener starts with the app; wait until it accepts.
                var up = false
                for _ in 0..<100 where !up {
                    up = (try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(extra)/health"), timeout: .seconds(2)))?.status == .ok
                    if !up { try await Task.sleep(for: .milliseconds(50)) }
                }
                if !up { failures.append("the extra listener on \(extra) never answered") }
                for (name, path, headers) in Self.shapes {
                    for host in ["api.anidb.net:9001", "127.0.0.1:\(extra)"] {
                        var request = HTTPClientRequest(url: "http://127.0.0.1:\(extra)\(path)")
                        request.headers.replaceOrAdd(name: "Host", value: host)
                        request.headers.add(name: "Accept-Encoding", value: "gzip")
                        for (field, value) in headers { request.headers.add(name: field, value: value) }
                        let response = try await http.execute(request, timeout: .seconds(30))
                        let body = Array(try await response.body.collect(upTo: 1 << 22).readableBytesView)
                        let xml = (try? SystemGzip.decompress(body)) ?? []
                        if response.status != .ok || response.headers["Content-Encoding"].first != "gzip" || xml != TestApp.file("1.xml") {
                            failures.append("\(name) with Host \(host): \(response.status) \(response.headers) \(xml.count) bytes")
                        }
                    }
                }
                // The main listener still answers as before. Asked on a new connection: the test client's own one
                // has been idle through the loop above and a loaded machine can take past the head deadline.
                let port = try #require(client.port)
                let main = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(Self.shapes[0].1)"), timeout: .seconds(30))
                if main.status != .ok { failures.append("the main listener answered \(main.status)") }
            } catch {
                failures.append("\(error)")
            }
            try await http.shutdown()
            #expect(failures.isEmpty, "\(failures)")
        }
    }

    @Test("server.extra_binds: HOST:PORT each, no repeats; a public one makes the install need an admin, like server.bind")
    func extraBindsConfiguration() throws {
        let loopback = try TestApp.configuration(["ANIKURA_SERVER_EXTRA_BINDS": #"["127.0.0.1:9001"]"#])
        #expect(loopback.server.extraBinds.map { "\($0.host):\($0.port)" } == ["127.0.0.1:9001"])
        #expect(loopback.server.isLoopback)
        let public_ = try TestApp.configuration(["ANIKURA_SERVER_EXTRA_BINDS": #"["0.0.0.0:9001"]"#])
        #expect(!public_.server.isLoopback, "a public extra listener closes the open install")
        for bad in [#"["9001"]"#, #"["0.0.0.0:9001", "0.0.0.0:9001"]"#, #"["127.0.0.1:8080"]"#, #"["host:port"]"#] {
            var environment = ["ANIKURA_SERVER_EXTRA_BINDS": bad]
            environment["ANIKURA_SERVER_BIND"] = "127.0.0.1:8080"
            #expect(throws: (any Error).self, "\(bad)") { try TestApp.configuration(environment) }
        }
        // The old shared password is not a secret for a public listener, whichever listener is public.
        #expect(throws: (any Error).self) {
            try TestApp.configuration([
                "ANIKURA_SERVER_EXTRA_BINDS": #"["0.0.0.0:9001"]"#, "ANIKURA_SERVER_USERNAME": "a", "ANIKURA_SERVER_PASSWORD": "short",
            ])
        }
    }

    @Test("Kometa's routes hold a missing aid that can be fetched within mirror.client_wait_secs (200), else 202 at once")
    func kometaHold() async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        for aid in [959, 1, 22, 31, 42] { fake.add(aid: aid, document: TestApp.file(aid == 959 ? "959.xml" : "1.xml")) }
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_MIRROR_DAILY_LIMIT": "150"]),
            clock: clock,
            database: AppDatabase.open(path: nil)
        )
        try await app.test(.live) { client in
            // Nothing asked yet: the fetch starts now, and Kometa (which never sends ?wait) gets 200, not 202.
            try await client.execute(uri: "/anidb-service/anime/959?mature=false", method: .get) { response in
                #expect(response.status == .ok && response.headers[HTTPField.Name("X-Cache")!] == "MISS")
                #expect(response.bytes == TestApp.file("959.xml"))
            }
            // The next may go 4 s later, within the 10 s: held, and answered when the moved clock lets it go. (On a
            // connection of its own: the test client's one connection would queue the /stats below behind it.)
            let port = try #require(client.port)
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            let held = Task {
                let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/anidb-service/anime/1"), timeout: .seconds(60))
                return (response.status.code, response.headers["X-Cache"].first)
            }
            #expect(await eventually { (try? await client.execute(uri: "/stats", method: .get).json()["queue_size"] as? Int) == 1 })
            clock.advance(by: 4)
            let outcome = await held.result
            try await http.shutdown()
            let (status, cache) = try outcome.get()
            #expect(status == 200 && cache == "MISS")
            #expect(fake.animeRequests.compactMap(\.aid) == [959, 1])
            // Two more queued without waiting (?wait=0 says so); a third is 12 s away, past the 10 s: 202 at once.
            for aid in [22, 31] {
                try await client.execute(uri: "/anime/\(aid)?wait=0", method: .get) { #expect($0.status == .accepted) }
            }
            try await client.execute(uri: "/anime/42", method: .get) { response in
                #expect(response.status == .accepted)
                let json = try response.json()
                #expect(json["queue_position"] as? Int == 3)
            }
            // The spacing and the budget are the fetcher's as ever: nothing was asked early.
            #expect(fake.animeRequests.count == 2)
            try await client.execute(uri: "/stats", method: .get) { response in
                let json = try response.json()
                #expect(json["api_calls_last_24h"] as? Int == 2)
            }
        }
    }
}
