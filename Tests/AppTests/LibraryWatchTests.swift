import AniDBFake
import AsyncHTTPClient
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import TestMedia
import Testing

@testable import App

#if canImport(Glibc)
import Glibc
#endif

/// Files that arrive without anyone pressing *Scan now*: the folder watcher through the whole app, targeted scans
/// by API, and the kernel's watch limit.
@Suite("library events: watching and targeted scans")
struct LibraryWatchTests {
    static func start(_ files: [String] = [], extra: [String: String] = [:]) async throws -> (ArrHandOffTests.Running, String) {
        let running = try await MappingAPITests.start()
        let media = try MatchAPITests.media(files)
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        var environment = running.environment
        environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = media
        environment["ANIKURA_LIBRARY_WATCH"] = "true"
        environment["ANIKURA_LIBRARY_WATCH_SETTLE_SECS"] = "0.3"
        environment.merge(extra) { $1 }
        let app = try await TestApp.build(environment: environment, database: try TestApp.seededDatabase())
        return (ArrHandOffTests.Running(app: app, arr: try await FakeArr.start(), host: running.host), media)
    }

    static func jobs(_ client: some TestClientProtocol, kind: String) async throws -> [[String: Any]] {
        let (_, listing) = try await MatchAPITests.json(client, "/api/jobs")
        return (MappingAPITests.object(listing)["jobs"] as? [[String: Any]] ?? []).filter { $0["kind"] as? String == kind }
    }

    static func until(_ seconds: Double = 60, _ condition: () async throws -> Bool) async throws -> Double? {
        let started = Date()
        while Date().timeIntervalSince(started) < seconds {
            if try await condition() { return Date().timeIntervalSince(started) }
            try await Task.sleep(for: .milliseconds(25))
        }
        return nil
    }

    @Test("a file written into a watched folder is listed and matched within seconds; removed, renamed and moved as a scan would")
    func watching() async throws {
        let (running, media) = try await Self.start(["Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13.mkv"])
        defer {
            running.host.stop()
            running.arr.stop()
        }
        try await running.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client)
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            let (_, folders) = try await MatchAPITests.json(client, "/api/library/folders")
            let watching = MappingAPITests.object(MappingAPITests.object(folders)["watching"])
            #expect(watching["state"] as? String == "watching" && watching["folders"] as? Int == 3, "\(watching)")

            // Arrives: listed and matched, no scan asked for.
            let folder = media + "/Durarara!! (2010) {tvdb-133341}/Season 02"
            try ArrWebhookTests.write(folder + "/Durarara!! - S02E14.mkv", "ten-2")
            let seconds = try await Self.until {
                try await MappingAPITests.matches(client)["Durarara!! - S02E14.mkv"]?["aid"] as? Int == 10866
            }
            #expect(seconds != nil, "listed and matched (how fast: scripts/bench-events)")
            let match = try await MappingAPITests.matches(client)["Durarara!! - S02E14.mkv"]
            #expect(match?["episode"] as? String == "2" && match?["applied"] as? Bool == true)

            // A manual match on a file survives its move to another folder (same file id, same choice).
            let id = try #require(match?["fileId"] as? Int)
            let (fixed, _) = try await MatchAPITests.json(client, "/api/matches/files/\(id)", method: .post, body: #"{"aid": 10867, "episode": "5"}"#)
            #expect(fixed == .ok)
            try FileManager.default.createDirectory(atPath: media + "/Elsewhere", withIntermediateDirectories: true)
            try FileManager.default.moveItem(atPath: folder + "/Durarara!! - S02E14.mkv", toPath: media + "/Elsewhere/Durarara!! - S02E14.mkv")
            let moved = try await Self.until {
                let found = try await MappingAPITests.matches(client)["Durarara!! - S02E14.mkv"]
                return (found?["path"] as? String ?? "").contains("/Elsewhere/")
            }
            #expect(moved != nil)
            let after = try await MappingAPITests.matches(client)["Durarara!! - S02E14.mkv"]
            #expect(after?["fileId"] as? Int == id && after?["aid"] as? Int == 10867 && after?["source"] as? String == "file", "\(after ?? [:])")

            // Removed: gone from the list.
            try FileManager.default.removeItem(atPath: media + "/Elsewhere/Durarara!! - S02E14.mkv")
            #expect(try await Self.until { try await MappingAPITests.matches(client)["Durarara!! - S02E14.mkv"] == nil } != nil)

            // A folder moved in from outside with its files; then moved out again.
            let outside = try MatchAPITests.media(["Haikyuu!! (2014) [tvdbid-278157]/Season 2/Haikyuu!! S02E01.mkv"])
            try FileManager.default.moveItem(
                atPath: outside + "/Haikyuu!! (2014) [tvdbid-278157]",
                toPath: media + "/Haikyuu!! (2014) [tvdbid-278157]"
            )
            #expect(try await Self.until { try await MappingAPITests.matches(client)["Haikyuu!! S02E01.mkv"]?["aid"] as? Int == 10981 } != nil)
            try FileManager.default.moveItem(atPath: media + "/Haikyuu!! (2014) [tvdbid-278157]", toPath: outside + "/back")
            #expect(try await Self.until { try await MappingAPITests.matches(client)["Haikyuu!! S02E01.mkv"] == nil } != nil)
            #expect(try await MappingAPITests.matches(client)["Durarara!! - S02E13.mkv"] != nil, "the rest is untouched")
        }
    }

    @Test("500 files at once are one targeted update")
    func burst() async throws {
        let (running, media) = try await Self.start(extra: ["ANIKURA_LIBRARY_WATCH_SETTLE_SECS": "3"])
        defer {
            running.host.stop()
            running.arr.stop()
        }
        try await running.app.test(.live) { client in
            for _ in 0..<500 {
                let (_, folders) = try await MatchAPITests.json(client, "/api/library/folders")
                if MappingAPITests.object(MappingAPITests.object(folders)["watching"])["state"] as? String == "watching" { break }
                try await Task.sleep(for: .milliseconds(10))
            }
            // A season pack: a new folder with 500 episodes, copied in one go.
            let pack = media + "/[Group] Long Show (Batch)"
            try FileManager.default.createDirectory(atPath: pack, withIntermediateDirectories: true)
            for number in 1...500 {
                try Data("episode \(number)".utf8).write(
                    to: URL(fileURLWithPath: pack + "/[Group] Long Show - \(String(format: "%03d", number)) [1080p].mkv")
                )
            }
            let done = try await Self.until(120) {
                try await Self.jobs(client, kind: "library-update").contains { $0["state"] as? String == "done" }
            }
            #expect(done != nil)
            // The first update to finish took all 500: a burst split in two would have left it fewer.
            let updates = try await Self.jobs(client, kind: "library-update")
            let first = updates.first { $0["state"] as? String == "done" }
            let scan = MappingAPITests.object(MappingAPITests.object(first?["result"])["scan"])
            #expect(scan["added"] as? Int == 500, "\(updates.count) updates")
            #expect(try await Self.jobs(client, kind: "library-scan").isEmpty, "no whole scan")
        }
    }

    @Test("POST /api/library/scan with paths rescans just those; paths outside the media folders and garbage are refused")
    func targetedByAPI() async throws {
        let (running, media) = try await Self.start(["A/[G] Alpha - 01.mkv"], extra: ["ANIKURA_LIBRARY_WATCH": "false"])
        defer {
            running.host.stop()
            running.arr.stop()
        }
        try await running.app.test(.live) { client in
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            try ArrWebhookTests.write(media + "/A/[G] Alpha - 02.mkv", "a2")
            try ArrWebhookTests.write(media + "/B/[G] Beta - 01.mkv", "b1")
            let (status, job) = try await MatchAPITests.json(client, "/api/library/scan", method: .post, body: #"{"paths": ["\#(media)/A/"]}"#)
            #expect(status == .accepted)
            let id = try #require(MappingAPITests.object(job)["id"] as? String)
            let (_, _, text) = try await TestApp.jobEvents(port: try #require(client.port), job: id)
            #expect(text.contains("\"added\":1"), "\(text)")
            let paths = try await MappingAPITests.matches(client).keys.sorted()
            #expect(paths == ["[G] Alpha - 01.mkv", "[G] Alpha - 02.mkv"], "B was not named: not scanned")

            for (body, expected) in [
                (#"{"paths": ["/etc"]}"#, HTTPResponse.Status.unprocessableContent),
                (#"{"paths": ["\#(media)/../etc"]}"#, .unprocessableContent),
                (#"{"paths": ["relative/path"]}"#, .unprocessableContent),
                (#"{"paths": []}"#, .badRequest),
                (#"{"paths": "nope"}"#, .badRequest),
                ("garbage", .badRequest),
            ] {
                let (status, answer) = try await MatchAPITests.json(client, "/api/library/scan", method: .post, body: body)
                #expect(status == expected, "\(body): \(status) \(answer ?? "")")
            }
        }
    }

    @Test("with watching off, library.rescan_mins scans the whole library on its own")
    func periodicScan() async throws {
        let (running, media) = try await Self.start(extra: ["ANIKURA_LIBRARY_WATCH": "false", "ANIKURA_LIBRARY_RESCAN_MINS": "0.02"])
        defer {
            running.host.stop()
            running.arr.stop()
        }
        try await running.app.test(.live) { client in
            let (_, folders) = try await MatchAPITests.json(client, "/api/library/folders")
            #expect(MappingAPITests.object(MappingAPITests.object(folders)["watching"])["state"] as? String == "off")
            try ArrWebhookTests.write(media + "/[G] Periodic - 01.mkv", "p1")
            let seen = try await Self.until(60) {
                let (_, library) = try await MatchAPITests.json(client, "/api/library")
                return (MappingAPITests.object(library)["series"] as? [[String: Any]] ?? []).contains { $0["title"] as? String == "Periodic" }
            }
            #expect(seen != nil, "a whole scan ran (every 1.2 s)")
            #expect(try await Self.jobs(client, kind: "library-scan").contains { $0["state"] as? String == "done" })
        }
    }

    @Test("the kernel's watch limit reached: said once, shown on /api/library/folders, and whole scans take over", .timeLimit(.minutes(2)))
    func watchLimit() async throws {
        let data = TestApp.temporaryDirectory()
        let media = try MatchAPITests.media((1...6).map { "Show \($0)/[G] Show \($0) - 01.mkv" })
        let port = CrashRecoveryTests.freePort()
        let settings = [
            "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_LIBRARY_MEDIA_DIRS": media,
            "ANIKURA_MIRROR_MAPPING_URL": "", "ANIKURA_MIRROR_IDS_URL": "", "ANIKURA_LIBRARY_RESCAN_MINS": "0",
        ]
        // A user namespace of its own, where this test may lower the limit to 3 watches (the real limit is shared by
        // the whole machine).
        let script = "echo 3 > /proc/sys/user/max_inotify_watches && exec \"$0\" serve"
        let http = HTTPClient.shared
        let (_, log) = try await ChildProcess.withRunning(
            "/usr/bin/unshare",
            ["--user", "--map-root-user", "/bin/sh", "-c", script, CommandLineTests.executable.path],
            environment: CrashRecoveryTests.environment(settings)
        ) { server -> String in
            var watching: [String: Any] = [:]
            _ = await CrashRecoveryTests.waitUntil(30) {
                watching = MappingAPITests.object(await CrashRecoveryTests.call(http, port, "/api/library/folders")?.1["watching"])
                return watching["state"] as? String == "limit"
            }
            #expect(watching["state"] as? String == "limit" && (1...3).contains(watching["folders"] as? Int ?? 0), "\(watching)")
            #expect((watching["message"] as? String ?? "").contains("fs.inotify.max_user_watches"))
            #expect(watching["rescan_mins"] as? Double == 60, "library.rescan_mins = 0, but watching is incomplete: every 60 minutes")
            // The watched folders still work.
            try ArrWebhookTests.write(media + "/[G] Top - 01.mkv", "top")
            let seen = await CrashRecoveryTests.waitUntil(60) {
                let library = await CrashRecoveryTests.call(http, port, "/api/library")?.1["series"] as? [[String: Any]] ?? []
                return library.contains { $0["title"] as? String == "Top" }
            }
            #expect(seen)
            server.send(SIGTERM)
            return server.standardError
        }
        #expect(log.components(separatedBy: "inotify watch limit is reached").count == 2, "said once:\n\(log)")
    }
}
