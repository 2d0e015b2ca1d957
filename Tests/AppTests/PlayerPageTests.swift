import Foundation
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// The player page in a real browser: Debian's Chromium, headless, loading hls.js from the app.
@Suite("player page in headless Chromium")
struct PlayerPageTests {
    /// The browser script beside this file that plays a file in the player page and reports what it saw.
    static var playbackScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/player_playback.py").path
    }

    /// Plays file `id` with `engine` in headless Chromium, driven from outside by Selenium; what it saw, as JSON.
    static func play(base: String, id: Int, engine: String, cue: Double) async -> [String: Any] {
        do {
            let run = try await ChildProcess.run("/usr/bin/python3", [Self.playbackScript, base, String(id), engine, String(cue)])
            let result = try? JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any]
            return result ?? ["failure": "no result (status \(run.status)): \(run.standardError.suffix(2000))"]
        } catch {
            return ["failure": "cannot run the browser script: \(error)"]
        }
    }

    @Test("in hls.js and Chromium's own HLS player: play 5 s and past a segment, seek, switch audio, show subtitles")
    func playback() async throws {
        let folder = try await StreamAPITests.mediaFolder()
        try FileManager.default.copyItem(atPath: await MediaFixtures.dualAudio, toPath: folder + "/Show/[Grp] Show - 03 [dual audio].mkv")
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": folder, "ANIKURA_HLS_TRANSCODE_HEIGHT": "240"])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            let port = try #require(client.port)
            // The page and hls.js are served by the app itself.
            try await client.execute(uri: "/vendor/hls.mjs", method: .get) { response in
                #expect(response.status == .ok, "run scripts/fetch-hlsjs first")
            }
            // (file, audio tracks, the time of a cue and its text)
            let cases = [
                ("[Grp] Show - 03 [dual audio].mkv", 2, 3.0, MediaFixtures.srtCues[0].2),
                (StreamAPITests.hevcName, 1, 2.0, MediaFixtures.assCues[0].2),
            ]
            for (name, audioTracks, cueTime, cueText) in cases {
                for engine in ["hlsjs", "native"] {
                    let id = try #require(files[name])
                    // The run before played this file and saved its place; back to the start, or the page would
                    // offer to resume instead of playing.
                    try await client.execute(
                        uri: "/api/me/progress/\(id)",
                        method: .put,
                        headers: [.contentType: "application/json"],
                        body: ByteBuffer(string: #"{"position": 0, "duration": 30}"#)
                    ) { #expect($0.status.code < 300, "\($0.status)") }
                    let result = await Self.play(base: "http://127.0.0.1:\(port)", id: id, engine: engine, cue: cueTime)
                    let label = "\(name) in \(engine): \(result)"
                    #expect(result["engine"] as? String == (engine == "native" ? "native" : "hls.js"), "\(label)")
                    for check in ["started", "advanced", "crossedBoundary", "seekLanded", "continued"] {
                        #expect(result[check] as? Bool == true, "\(check): \(label)")
                    }
                    #expect((result["boundary"] as? Double ?? 0) >= 5, "the first segment ends past 5 s: \(label)")
                    #expect((result["errors"] as? [Any])?.isEmpty == true, "\(label)")
                    // hls.js reports a stall (and its nudge out of one) whenever its buffer runs dry for a moment: after a
                    // seek or a track switch, and when a loaded two-core machine makes a segment late. Playing on is
                    // checked above; any other non-fatal error (parsing, appending, loading) fails the test.
                    let warnings = result["warnings"] as? [[String: Any]] ?? []
                    let stalls: Set<String> = ["bufferStalledError", "bufferNudgeOnStall"]  // a stall and hls.js's nudge past it
                    let unexpected = warnings.filter { !stalls.contains($0["details"] as? String ?? "") }
                    #expect(unexpected.isEmpty, "no other non-fatal hls.js errors: \(label)")
                    #expect(result["previews"] as? Int == (name == StreamAPITests.hevcName ? 2 : 3), "one picture per 10 s: \(label)")
                    let preview = result["preview"] as? [String: Any] ?? [:]
                    #expect(preview["shown"] as? Bool == true && preview["sheetLoaded"] as? Bool == true, "seek preview: \(label)")
                    #expect(preview["width"] as? Int == 320, "\(label)")
                    #expect(result["videoHeight"] as? Int == (name == StreamAPITests.hevcName ? 240 : 360), "frames decoded: \(label)")
                    #expect((result["framesDecoded"] as? Int ?? 0) > 24, "\(label)")
                    #expect(result["audioTracks"] as? Int == audioTracks, "\(label)")
                    if audioTracks > 1 { #expect(result["audioSwitched"] as? Bool == true, "\(label)") }
                    #expect(result["subtitleTracks"] as? Int == 1, "\(label)")
                    #expect((result["cues"] as? Int ?? 0) > 0, "WebVTT cues reach the page: \(label)")
                    #expect(result["activeCue"] as? String == cueText, "the cue on screen at \(cueTime) s: \(label)")
                }
            }
        }
    }

    @Test("a file the server cannot play: the page says why in its status line, with no empty player left to press")
    func unplayable() async throws {
        let folder = try await StreamAPITests.mediaFolder()
        // Named like an episode, so the scan lists it; not a video, so probing it fails.
        let name = "[Grp] Show - 04 [1080p].mkv"
        try Data(repeating: 0x5A, count: 64 * 1024).write(to: URL(fileURLWithPath: folder + "/Show/" + name))
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": folder])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            let id = try #require(files[name])
            let port = try #require(client.port)
            // What the API says is what the page must show.
            let message = try await client.execute(uri: "/api/stream/\(id)", method: .get) { response in
                #expect(response.status.code >= 400, "\(response.status)")
                return (try response.json()["error"] as? [String: Any])?["message"] as? String
            }
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/player_unplayable.py")
            let run = try await ChildProcess.run("/usr/bin/python3", [script.path, "http://127.0.0.1:\(port)", String(id)])
            let seen = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(seen["isError"] as? Bool == true, "\(seen) \(run.standardError.suffix(2000))")
            #expect(seen["status"] as? String == message, "\(seen)")
            #expect(!(message ?? "").isEmpty)
            #expect(seen["video"] as? Bool == false && seen["frame"] as? Bool == false && seen["seekBar"] as? Bool == false, "\(seen)")
            // The heading still says which episode this is.
            #expect((seen["heading"] as? String ?? "").contains("Show"), "\(seen)")
            // and a link leads back (to the library: this file is matched to no anime).
            #expect(seen["back"] as? String == "/library", "\(seen)")
        }
    }

    /// The browser script beside this file.
    static var resumeScript: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/resume_after_reload.py").path
    }

    @Test("signed out, the player sends you to the login page; after signing in and 15 s of play, a reload offers to resume there")
    func resumeAfterReload() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(
            environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": try await StreamAPITests.mediaFolder()],
            database: database
        )
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client, headers: TestAccounts.bearer(accounts.adminKey))
            let id = try #require(files[StreamAPITests.h264Name])
            let port = try #require(client.port)
            let run = try await ChildProcess.run(
                "/usr/bin/python3",
                [Self.resumeScript, "http://127.0.0.1:\(port)", String(id), TestAccounts.viewerName, TestAccounts.viewerPassword]
            )
            let result = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(run.status == 0, "\(run.standardError.suffix(2000))")
            #expect((result["errors"] as? [Any])?.isEmpty == true, "\(result)")
            #expect(result["redirectedToLogin"] as? Bool == true, "\(result)")
            #expect(result["signedIn"] as? Bool == true, "\(result)")
            #expect(result["resumeOffered"] as? Bool == true, "\(result)")
            let played = result["played"] as? Double ?? 0
            let offered = result["resumeAt"] as? Double ?? 0
            #expect(played >= 15 && offered >= 14 && offered <= played + 1, "\(result)")
            #expect((result["resumedTo"] as? Double ?? 0) >= offered - 1, "\(result)")
        }
    }
}
