import Foundation
import HTTPTypes
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// `/api/watch/{fileId}` carries the file's chapters and what each is.
@Suite("chapters over HTTP")
struct ChapterAPITests {
    @Test("a chaptered file's chapters with their kinds; a file without chapters has none")
    func watchContext() async throws {
        let media = TestApp.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: media + "/Show", withIntermediateDirectories: true)
        let plain = media + "/Show/[G] Show - 01.mkv"
        try FileManager.default.copyItem(atPath: await MediaFixtures.h264, toPath: plain)
        let metadata = media + "/chapters.txt"
        try """
        ;FFMETADATA1
        [CHAPTER]
        TIMEBASE=1/1000
        START=0
        END=5000
        title=オープニング
        [CHAPTER]
        TIMEBASE=1/1000
        START=5000
        END=25000
        title=Part A
        [CHAPTER]
        TIMEBASE=1/1000
        START=25000
        END=30000
        title=Ending

        """.write(toFile: metadata, atomically: true, encoding: .utf8)
        _ = await MediaFixtures.run(
            "/usr/bin/env",
            [
                "ffmpeg", "-v", "error", "-y", "-i", plain, "-i", metadata, "-map", "0", "-map_chapters", "1", "-c", "copy",
                media + "/Show/[G] Show - 02.mkv",
            ]
        )
        try FileManager.default.removeItem(atPath: metadata)
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": media])
        try await app.test(.live) { client in
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            let (_, library) = try await MatchAPITests.json(client, "/api/library")
            let files = (MappingAPITests.object(library)["series"] as? [[String: Any]] ?? []).flatMap { $0["files"] as? [[String: Any]] ?? [] }
            let ids = Dictionary(files.map { (($0["path"] as? String ?? "").components(separatedBy: "/").last ?? "", $0["id"] as? Int ?? 0) }) {
                a,
                _ in a
            }
            let (status, watch) = try await MatchAPITests.json(client, "/api/watch/\(ids["[G] Show - 02.mkv"] ?? 0)")
            #expect(status == .ok)
            let chapters = MappingAPITests.object(watch)["chapters"] as? [[String: Any]] ?? []
            #expect(chapters.map { $0["kind"] as? String } == ["opening", "episode", "ending"])
            #expect(chapters.map { $0["title"] as? String } == ["オープニング", "Part A", "Ending"])
            #expect(chapters.map { $0["start"] as? Double } == [0, 5, 25])
            let (_, none) = try await MatchAPITests.json(client, "/api/watch/\(ids["[G] Show - 01.mkv"] ?? 0)")
            #expect((MappingAPITests.object(none)["chapters"] as? [Any])?.isEmpty == true)
        }
    }
}
