import Foundation
import Hummingbird
import HummingbirdTesting
import Synchronization
import TestMedia
import Testing

@testable import App

/// The player page in a real browser: Debian's Chromium, headless, loading hls.js from the app.
@Suite("player page in headless Chromium")
struct PlayerPageTests {
    /// Runs the page's self-test (`?selftest=1`) and returns the JSON it logs to the console.
    static func selfTest(url: String) -> String {
        let profile = NSTemporaryDirectory() + "anikura-chromium-" + UUID().uuidString
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [
            "chromium", "--headless=new", "--no-sandbox", "--mute-audio", "--disable-gpu",
            "--autoplay-policy=no-user-gesture-required", "--enable-logging=stderr", "--v=0",
            "--user-data-dir=\(profile)", url,
        ]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        let log = Mutex("")
        errors.fileHandleForReading.readabilityHandler = { handle in
            let data = handle.availableData
            log.withLock { $0 += String(decoding: data, as: UTF8.self) }
        }
        do {
            try process.run()
        } catch {
            return failure("cannot start chromium: \(error)")
        }
        defer {
            process.terminate()
            process.waitUntilExit()
            errors.fileHandleForReading.readabilityHandler = nil
            try? FileManager.default.removeItem(atPath: profile)
        }
        let marker = "ANIKURA-PLAYER-TEST "
        let deadline = Date().addingTimeInterval(90)
        while Date() < deadline {
            let text = log.withLock { $0 }
            if let range = text.range(of: marker), let end = text[range.upperBound...].range(of: "}\", source:") {
                return String(text[range.upperBound..<end.lowerBound] + "}")
            }
            guard process.isRunning else { break }
            Thread.sleep(forTimeInterval: 0.1)
        }
        return failure("no self-test result from Chromium; its log ends: \(log.withLock { $0.suffix(2000) })")
    }

    /// A result with only the reason it is missing (this runs off the test's task, so it cannot record issues).
    static func failure(_ reason: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: ["failure": reason])) ?? Data("{}".utf8)
        return String(decoding: data, as: UTF8.self)
    }

    @Test("a remuxed and a transcoded file play, advance, seek and play on, with no media error")
    func playback() async throws {
        let app = try await TestApp.build(environment: [
            "ANIKURA_LIBRARY_MEDIA_DIRS": try await StreamAPITests.mediaFolder(), "ANIKURA_HLS_TRANSCODE_HEIGHT": "240",
        ])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            let port = try #require(client.port)
            // The page and hls.js are served by the app itself.
            try await client.execute(uri: "/vendor/hls.mjs", method: .get) { response in
                #expect(response.status == .ok, "run scripts/fetch-hlsjs first")
            }
            for (name, subtitles) in [(StreamAPITests.h264Name, 1), (StreamAPITests.hevcName, 1)] {
                let id = try #require(files[name])
                let json = await MediaFixtures.offThread {
                    Self.selfTest(url: "http://127.0.0.1:\(port)/player?file=\(id)&selftest=1")
                }
                let result = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any] ?? [:]
                #expect(result["started"] as? Bool == true, "\(name): \(result)")
                #expect(result["advanced"] as? Bool == true, "\(name): \(result)")
                #expect(result["seekLanded"] as? Bool == true, "\(name): \(result)")
                #expect(result["continued"] as? Bool == true, "\(name): \(result)")
                #expect((result["errors"] as? [Any])?.isEmpty == true, "\(name): \(result)")
                #expect(result["audioTracks"] as? Int == 1)
                #expect(result["subtitleTracks"] as? Int == subtitles)
                if subtitles > 0 { #expect((result["cues"] as? Int ?? 0) > 0, "WebVTT cues reach the page") }
            }
        }
    }
}
