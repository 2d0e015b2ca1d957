import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// A job's event stream shows the job while it works, not only its end: the match job is held on the titles
/// download (the fake AniDB keeps that answer until the test releases it), so the stream is read while it runs.
@Suite("job progress over SSE")
struct JobProgressTests {
    @Test("the event stream shows a running job's phase live, then its progress, then done")
    func liveProgress() async throws {
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        let hold = FakeAniDB.Hold()
        let titles = MatchAPITests.titles2015
        fake.script { request in request.path.hasSuffix("anime-titles.xml.gz") ? .held(hold, .plain(titles)) : nil }
        let media = try MatchAPITests.media([
            "Haikyuu!!/[HorribleSubs] Haikyuu!! - 01 [720p].mkv",
            "Haikyuu!!/[HorribleSubs] Haikyuu!! - 02 [720p].mkv",
        ])
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_LIBRARY_MEDIA_DIRS": media]),
            clock: ManualClock(now: Date().timeIntervalSince1970)
        )
        try await app.test(.live) { client in
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            let id = try await client.execute(uri: "/api/matches/auto", method: .post) { response in
                try #require(try response.json()["id"] as? String)
            }
            let port = try #require(client.port)
            var events: [String] = []
            var released = false
            let http = HTTPClient(eventLoopGroupProvider: .singleton)
            do {
                let response = try await http.execute(
                    HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/jobs/\(id)/events"),
                    timeout: .seconds(120)
                )
                var pending = ""
                for try await chunk in response.body {
                    pending += String(buffer: chunk)
                    while let end = pending.range(of: "\n\n") {
                        events.append(String(pending[..<end.lowerBound]))
                        pending = String(pending[end.upperBound...])
                    }
                    // The first event arrives while the titles download is held: the job cannot be done yet.
                    if !released, let first = events.first {
                        #expect(first.hasPrefix("event: running\ndata: {"), "\(first)")
                        #expect(first.contains(#""phase":"titles""#), "\(first)")
                        released = true
                        hold.release()
                    }
                }
            } catch {
                hold.release()
                try await http.shutdown()
                throw error
            }
            try await http.shutdown()
            #expect(released, "the stream sent an event before the job ended")
            #expect(events.last?.hasPrefix("event: done\ndata: {") == true, "\(events.last ?? "nothing")")
            // After the release the stream carries the matching phase as it goes, before the end.
            let phases = events.dropLast().compactMap { event in
                event.range(of: #""phase":""#).map { event[$0.upperBound...].prefix { $0 != "\"" } }.map(String.init)
            }
            #expect(phases.first == "titles" && phases.contains("matching"), "\(phases)")
            #expect(events.dropLast().allSatisfy { $0.hasPrefix("event: running") || $0.hasPrefix("event: queued") })
        }
    }
}
