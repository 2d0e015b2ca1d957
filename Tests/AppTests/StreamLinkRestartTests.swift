import Foundation
import Hummingbird
import HummingbirdTesting
import Testing

@testable import App

/// The README's promise: stream links survive a restart, because the key they are signed with is kept on disk.
@Suite("stream links across a restart")
struct StreamLinkRestartTests {
    @Test("a link made before a restart still plays after it; with the key file gone it is refused")
    func linkSurvivesRestart() async throws {
        let dataDir = TestApp.temporaryDirectory()
        let media = try await StreamAPITests.mediaFolder()
        let environment = ["ANIKURA_LIBRARY_MEDIA_DIRS": media, "ANIKURA_STORAGE_DATA_DIR": dataDir]
        func start() throws -> AppDatabase { try AppDatabase.open(path: dataDir + "/anikura.sqlite") }
        let first = try await TestApp.build(environment: environment, database: try start())
        let url = try await first.test(.live) { client -> String in
            let files = try await StreamAPITests.library(client)
            let ticket = try await StreamAPITests.ticket(client, try #require(files[StreamAPITests.h264Name]))
            return try #require(ticket["url"] as? String)
        }
        let key = dataDir + "/stream-token.key"
        let attributes = try FileManager.default.attributesOfItem(atPath: key)
        #expect((attributes[.posixPermissions] as? Int) == 0o600 && (attributes[.size] as? Int) == 32)
        // A new process (a new application over the same data folder) accepts the old link.
        let second = try await TestApp.build(environment: environment, database: try start())
        try await second.test(.live) { client in
            try await client.execute(uri: url, method: .get) { response in
                #expect(response.status == .ok, "\(response.status) \(response.text)")
                #expect(response.text.hasPrefix("#EXTM3U"))
            }
        }
        // What made it work is the key on disk: without it a new key is made and the old link is refused.
        try FileManager.default.removeItem(atPath: key)
        let third = try await TestApp.build(environment: environment, database: try start())
        try await third.test(.live) { client in
            try await client.execute(uri: url, method: .get) { #expect($0.status == .forbidden) }
        }
    }
}
