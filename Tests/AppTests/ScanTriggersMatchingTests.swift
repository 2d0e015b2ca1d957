import AniDBFake
import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// The README's promise: a scan that changed the library starts matching by itself; one that changed nothing does not.
@Suite("matching after a scan")
struct ScanTriggersMatchingTests {
    static func matchJobs(_ client: some TestClientProtocol) async throws -> [[String: Any]] {
        try await client.execute(uri: "/api/jobs", method: .get) { response in
            let jobs = try response.json()["jobs"] as? [[String: Any]] ?? []
            return jobs.filter { $0["kind"] as? String == "library-match" }
        }
    }

    static func scan(_ client: some TestClientProtocol) async throws {
        let id = try await client.execute(uri: "/api/library/scan", method: .post) { try #require(try $0.json()["id"] as? String) }
        #expect(
            await eventually {
                (try? await client.execute(uri: "/api/jobs/\(id)", method: .get).json()["state"] as? String) == "done"
            }
        )
    }

    @Test("a scan that adds files starts one matching job; a scan that finds nothing new starts none")
    func scanStartsMatching() async throws {
        let media = try LibraryAPITests.mediaFolder(files: 2)
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": media])
        try await app.test(.live) { client in
            #expect(try await Self.matchJobs(client).isEmpty)
            try await Self.scan(client)
            // Submitted by the scan before it reported done; it then runs to its end.
            #expect(try await Self.matchJobs(client).count == 1)
            #expect(
                await eventually { (try? await Self.matchJobs(client).first?["state"] as? String) == "done" }
            )
            try await Self.scan(client)
            #expect(try await Self.matchJobs(client).count == 1, "nothing changed: no matching")
            try Data("episode 3".utf8).write(to: URL(fileURLWithPath: media + "/Frieren/[SubsPlease] Sousou no Frieren - 03 (1080p).mkv"))
            try await Self.scan(client)
            #expect(try await Self.matchJobs(client).count == 2, "a new file: matching again")
        }
    }
}
