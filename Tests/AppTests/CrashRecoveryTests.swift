import AsyncHTTPClient
import Foundation
import GRDB
import Mirror
import NIOCore
import NIOHTTP1
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// The real `anikura serve`, killed with SIGKILL at the worst moment: what it was doing resumes, and nothing it
/// started outlives it.
@Suite("crash recovery")
struct CrashRecoveryTests {
    static func freePort() -> Int { LocalListener.freePort() }

    static func environment(_ extra: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ANIKURA_") }.merging(extra) { $1 }
    }

    /// GET or POST on the server, the body as JSON (or nil when the server does not answer).
    static func call(_ http: HTTPClient, _ port: Int, _ path: String, method: HTTPMethod = .GET) async -> (UInt, [String: Any])? {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        guard let response = try? await http.execute(request, timeout: .seconds(10)),
            let body = try? await response.body.collect(upTo: 1 << 24)
        else { return nil }
        let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any] ?? [:]
        return (response.status.code, object)
    }

    static func waitUntil(_ seconds: Double = 60, _ condition: () async -> Bool) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if await condition() { return true }
            try? await Task.sleep(for: .milliseconds(100))
        }
        return false
    }

    static func isGone(_ pid: Int32) -> Bool {
        guard kill(pid, 0) == 0 else { return true }
        // A killed child nobody has reaped yet is a zombie: it runs no more.
        let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    @Test("killed during the match that follows a scan, the server matches the files after it restarts", .timeLimit(.minutes(3)))
    func matchResumesAfterCrash() async throws {
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let media = try MatchAPITests.media(["Haikyuu!!/[HorribleSubs] Haikyuu!! - 03 [720p].mkv", "[gg] Seikai no Monshou - 02.mkv"])
        // An upstream that accepts connections and never answers.
        let hole = LocalListener()
        defer { hole.close() }
        let port = Self.freePort()
        var settings = [
            "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_MIRROR_SEED_DIR": TestApp.demoSeed,
            "ANIKURA_LIBRARY_MEDIA_DIRS": media,
            // Fetching on, against an AniDB that never answers: the match job waits for its titles dump.
            "ANIKURA_MIRROR_CLIENT": "anikuratest", "ANIKURA_MIRROR_CLIENTVER": "1",
            "ANIKURA_MIRROR_BASE_URL": "http://127.0.0.1:\(hole.port)/httpapi",
            "ANIKURA_MIRROR_TITLES_URL": "http://127.0.0.1:\(hole.port)/anime-titles.xml.gz",
        ]
        let http = HTTPClient.shared
        let (status, _) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: Self.environment(settings)
        ) { server in
            let seeded = await Self.waitUntil { await Self.call(http, port, "/stats")?.1["cached_anime"] as? Int == 19 }
            #expect(seeded)
            let scan = await Self.call(http, port, "/api/library/scan", method: .POST)
            #expect(scan?.0 == 202)
            // The match the scan started (joined here), waiting for its titles.
            let matching = await Self.waitUntil {
                let match = await Self.call(http, port, "/api/matches/auto", method: .POST)?.1 ?? [:]
                return match["state"] as? String == "running"
            }
            #expect(matching)
            server.send(SIGKILL)
        }
        #expect(status == 128 + SIGKILL)
        let database = try DatabaseQueue(path: data + "/anikura.sqlite")
        let (files, matches) = try await database.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM libraryFile"), try Int.fetchOne(db, sql: "SELECT count(*) FROM fileMatch"))
        }
        #expect(files == 2)
        #expect(matches == 0)
        try database.close()
        #expect(FileManager.default.fileExists(atPath: data + "/anikura.running"), "the killed run left its mark")

        // Back up, fetching off: the match left undone runs at start, with no request; the start says it follows an
        // unclean stop.
        settings["ANIKURA_MIRROR_CLIENT"] = ""
        settings["ANIKURA_MIRROR_CLIENTVER"] = ""
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        settings["ANIKURA_ALERTS_WEBHOOK_URLS"] = "[\"\(receiver.url)\"]"
        let (again, applied) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: Self.environment(settings)
        ) { server -> Int in
            var applied = 0
            _ = await Self.waitUntil {
                let matches = await Self.call(http, port, "/api/matches")?.1["matches"] as? [[String: Any]] ?? []
                applied = matches.count { $0["applied"] as? Bool == true }
                return applied == 2
            }
            _ = await Self.waitUntil(20) { !receiver.deliveries.isEmpty }
            server.send(SIGTERM)
            return applied
        }
        #expect(again == 0)
        #expect(applied == 2)
        let events = receiver.deliveries.map { $0.json["event"] as? String ?? "?" }
        #expect(events == ["unclean_stop"], "\(events)")
        #expect(!FileManager.default.fileExists(atPath: data + "/anikura.running"), "a SIGTERM stop is clean")
    }

    /// Starts `anikura serve` with a slowed ffmpeg, asks for a transcoded segment, and sends `signal` once ffmpeg has
    /// started: the server's exit status, ffmpeg's process id, and when the signal went.
    static func signalWhileFFmpegWorks(_ signal: Int32) async throws -> (status: Int32, ffmpeg: Int32?, signalledAt: Date, answer: UInt?) {
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let folder = NSTemporaryDirectory() + "anikura-crash-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/Show", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: await MediaFixtures.h264, toPath: folder + "/Show/[G] Show - 01.mkv")
        // Real ffmpeg, started late: it records its process id, waits 10 s, then becomes ffmpeg (same process). Its
        // sleep holds none of the pipes and is waited for by `wait`, which a signal ends at once, as it would end
        // ffmpeg; a plain foreground sleep would keep the shell (and the pipes) for its whole length.
        let pids = data + "/ffmpeg.pids"
        let wrapper = data + "/slow-ffmpeg"
        try "#!/bin/sh\necho $$ >> '\(pids)'\nsleep 10 </dev/null >/dev/null 2>&1 &\nwait $!\nexec ffmpeg \"$@\"\n".write(
            toFile: wrapper,
            atomically: true,
            encoding: .utf8
        )
        chmod(wrapper, 0o755)
        let port = Self.freePort()
        let settings = [
            "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_LIBRARY_MEDIA_DIRS": folder,
            "ANIKURA_HLS_FFMPEG": wrapper,
        ]
        let http = HTTPClient.shared
        let signalledAt = LockedBox(Date())
        let answer = LockedBox<UInt?>(nil)
        let (status, child) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: Self.environment(settings)
        ) { server -> Int32? in
            let up = await Self.waitUntil { await Self.call(http, port, "/health") != nil }
            #expect(up)
            let scan = await Self.call(http, port, "/api/library/scan", method: .POST)
            #expect(scan?.0 == 202)
            var ticket: [String: Any] = [:]
            _ = await Self.waitUntil {
                ticket = await Self.call(http, port, "/api/stream/1?transcode=1")?.1 ?? [:]
                return ticket["url"] != nil
            }
            let url = try #require(ticket["url"] as? String)
            let segment = url.split(separator: "?")[0].dropLast("master.m3u8".count) + "v-h264-360/0.ts?transcode=1"
            // Asked for, never answered: the server ends first.
            let waiting = Task { await Self.call(http, port, String(segment))?.0 }
            defer { waiting.cancel() }
            var child: Int32?
            _ = await Self.waitUntil {
                child = (try? String(contentsOfFile: pids, encoding: .utf8))?.split(separator: "\n").first.flatMap { Int32($0) }
                return child != nil
            }
            signalledAt.value = Date()
            server.send(signal)
            answer.value = await waiting.value
            return child
        }
        return (status, child, signalledAt.value, answer.value)
    }

    @Test("killed while ffmpeg makes a segment, the server takes ffmpeg with it", .timeLimit(.minutes(3)))
    func ffmpegDiesWithServer() async throws {
        let (status, child, _, _) = try await Self.signalWhileFFmpegWorks(SIGKILL)
        #expect(status == 128 + SIGKILL)
        let pid = try #require(child, "ffmpeg was started")
        let gone = await Self.waitUntil(5) { Self.isGone(pid) }
        #expect(gone, "ffmpeg \(pid) ends with the server")
    }

    @Test("stopped with SIGTERM while ffmpeg makes a segment, the server exits cleanly and no ffmpeg outlives it", .timeLimit(.minutes(3)))
    func ffmpegStopsWithGracefulShutdown() async throws {
        let (status, child, signalledAt, answer) = try await Self.signalWhileFFmpegWorks(SIGTERM)
        #expect(status == 0, "a graceful stop exits 0")
        #expect(answer == 503, "the player waiting for the segment is told to come back")
        // The request waiting for the segment is answered 503 at once instead of holding the HTTP server's drain: the
        // stop does not wait out the wrapper's 10 s of sleep (it did before the wait answered the shutdown).
        let stop = Date().timeIntervalSince(signalledAt)
        print(String(format: "graceful stop with a segment in production: %.1f s", stop))
        #expect(stop < 8, "the stop waited for the segment: \(stop) s")
        let pid = try #require(child, "ffmpeg was started")
        // Gone by the time the server has exited: its shutdown stopped it, not the keeper after it.
        #expect(Self.isGone(pid), "ffmpeg \(pid) stopped before the server exited")
    }
}
