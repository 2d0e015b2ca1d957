import Foundation
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// An unplugged disk over HTTP: the library keeps its files (offline), their manual matches stay, a stream of one
/// says why it cannot play, and everything is back when the disk is.
@Suite("offline media folders over HTTP")
struct OfflineFolderTests {
    @Test("a media folder moved away and back: files kept offline with their fix, streams refused with a reason, then back")
    func unpluggedAndBack() async throws {
        let disk = NSTemporaryDirectory() + "anikura-disk-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: disk + "/Show", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: await MediaFixtures.h264, toPath: disk + "/Show/[Grp] Show - 01 [1080p].mkv")
        let away = disk + ".away"
        defer {
            try? FileManager.default.removeItem(atPath: disk)
            try? FileManager.default.removeItem(atPath: away)
        }
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": disk])
        try await app.test(.live) { client in
            let id = try #require(try await StreamAPITests.library(client)[StreamAPITests.h264Name])
            try await client.execute(
                uri: "/api/matches/files/\(id)",
                method: .post,
                body: ByteBuffer(string: #"{"aid": 1, "episode": "1"}"#)
            ) { response in
                #expect(response.status == .ok, "\(response.text)")
            }
            func file() async throws -> [String: Any] {
                try await client.execute(uri: "/api/library/files/\(id)", method: .get) { try $0.json() }
            }
            func manual() async throws -> String? {
                try await client.execute(uri: "/api/matches", method: .get) { response in
                    let matches = try response.json()["matches"] as? [[String: Any]] ?? []
                    return matches.first { $0["fileId"] as? Int == id }?["source"] as? String
                }
            }
            let source = try await manual()
            #expect(source != nil && source != "auto")

            try FileManager.default.moveItem(atPath: disk, toPath: away)
            _ = try await StreamAPITests.library(client)
            #expect(try await file()["offline"] as? Bool == true)
            #expect(try await manual() == source, "the manual match survives")
            try await client.execute(uri: "/api/stream/\(id)", method: .get) { response in
                #expect(response.status == .serviceUnavailable)
                #expect(response.text.contains("offline"))
            }

            try FileManager.default.moveItem(atPath: away, toPath: disk)
            _ = try await StreamAPITests.library(client)
            #expect(try await file()["offline"] as? Bool == false)
            #expect(try await manual() == source)
            try await client.execute(uri: "/api/stream/\(id)", method: .get) { response in
                #expect(response.status == .ok)
            }
        }
    }
}
