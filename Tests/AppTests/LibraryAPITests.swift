import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Library
import Logging
import Mirror
import NIOCore
import NIOHTTP1
import OffThread
import Testing

@testable import App

@Suite("library over HTTP")
struct LibraryAPITests {
    static func mediaFolder(files: Int) throws -> String {
        let media = NSTemporaryDirectory() + "anikura-api-media-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: media + "/Frieren", withIntermediateDirectories: true)
        for episode in 1...files {
            let name = String(format: "[SubsPlease] Sousou no Frieren - %02d (1080p).mkv", episode)
            try Data("episode \(episode)".utf8).write(to: URL(fileURLWithPath: media + "/Frieren/" + name))
        }
        return media
    }

    @Test("POST /api/library/scan starts a job; its SSE stream reports until done; the library lists what was found")
    func scanJob() async throws {
        let media = try Self.mediaFolder(files: 12)
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": media])
        try await app.test(.live) { client in
            let job = try await client.execute(uri: "/api/library/scan", method: .post) { response in
                #expect(response.status == .accepted, "\(response.text)")
                let json = try response.json()
                let id = try #require(json["id"] as? String)
                #expect(response.headers[.location] == "/api/jobs/\(id)")
                return id
            }
            // The event stream read with AsyncHTTPClient, as a browser's EventSource would read it.
            let port = try #require(client.port)
            let (status, contentType, text) = try await TestApp.jobEvents(port: port, job: job)
            #expect(status == 200)
            #expect(contentType == "text/event-stream")
            let events = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
            #expect(events.first.map { $0.hasPrefix("event: running") || $0.hasPrefix("event: queued") || $0.hasPrefix("event: done") } == true)
            #expect(events.last?.hasPrefix("event: done\ndata: {") == true)
            let data = try #require(events.last?.components(separatedBy: "data: ").last)
            let json = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any]
            let result = json?["result"] as? [String: Any]
            #expect(result?["found"] as? Int == 12)
            #expect(result?["added"] as? Int == 12)
            try await client.execute(uri: "/api/jobs/\(job)", method: .get) { response in
                let json = try response.json()
                #expect(json["state"] as? String == "done")
            }
            let fileID = try await client.execute(uri: "/api/library", method: .get) { response in
                let series = try response.json()["series"] as? [[String: Any]] ?? []
                #expect(series.count == 1)
                #expect(series.first?["title"] as? String == "Sousou no Frieren")
                let files = series.first?["files"] as? [[String: Any]] ?? []
                #expect(files.count == 12)
                #expect(files.first?["episode"] as? String == "01")
                return files.first?["id"] as? Int ?? 0
            }
            try await client.execute(uri: "/api/library/files/\(fileID)", method: .get) { response in
                #expect(response.status == .ok)
                let parsed = try response.json()["parsed"] as? [String: Any]
                #expect(parsed?["video_resolution"] as? String == "1080p")
            }
            for (uri, status) in [
                ("/api/library/files/999999", HTTPResponse.Status.notFound), ("/api/library/files/abc", .badRequest),
                ("/api/jobs/nope", .notFound), ("/api/jobs/nope/events", .notFound),
            ] {
                try await client.execute(uri: uri, method: .get) { response in #expect(response.status == status, "\(uri)") }
            }
        }
    }

    @Test("without media folders a scan request is refused with a reason")
    func noFolders() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/library/scan", method: .post) { response in
                #expect(response.status == .conflict)
                #expect(response.text.contains("library.media_dirs"))
            }
        }
    }

    @Test("the titles dump without an AniDB client says why it is missing")
    func titlesDumpWithoutClient() async throws {
        let app = try await TestApp.build()
        try await app.test(.router) { client in
            try await client.execute(uri: "/api/anime-titles.xml.gz", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("fetching from AniDB is off"))
            }
        }
    }

    @Test("a second scan request while one runs joins it; the job runner runs it to the end")
    func joins() async throws {
        let media = try Self.mediaFolder(files: 1500)
        let database = try AppDatabase.open(path: nil)
        let jobs = JobCenter()
        let runner = JobRunner(jobs: jobs, logger: .init(label: "test"))
        let changed = LockedBox(0)
        let service = LibraryScanService(
            scanner: .init(index: .init(writer: database.writer), roots: [media]),
            runner: runner,
            gate: LibraryWriteGate(),
            logger: .init(label: "test"),
            mountGuard: MountGuard(patience: .seconds(10)),
            afterChange: { _ in changed.withLock { $0 += 1 } }
        )
        let first = service.start()
        let second = service.start()
        #expect(first.id == second.id)
        let running = Task { try await runner.run() }
        defer { running.cancel() }
        for _ in 0..<3000 where jobs.snapshot(first.id)?.isFinished != true { try await Task.sleep(for: .milliseconds(10)) }
        let finished = try #require(jobs.snapshot(first.id))
        #expect(finished.state == .done)
        if case .scan(let report) = finished.result { #expect(report.added == 1500) } else { Issue.record("no scan report") }
        #expect(changed.withLock { $0 } == 1)
        #expect(service.start().id != first.id, "a finished scan is not joined")
    }
}
