import Foundation
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// Chapters, skipping, subtitle kinds, styled burn-in and the viewer's languages in the player, in headless Chromium
/// with both engines (Browser/playback_prefs.py), on a fansub release: the first episode and the second.
@Suite("playback as fans use it, in headless Chromium")
struct PlaybackPageTests {
    @Test("languages from /settings start the right tracks; skip opening and ending; auto; styled burn-in; fits the window")
    func player() async throws {
        let fansub = await MediaFixtures.fansub
        let media = TestApp.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: media + "/Show", withIntermediateDirectories: true)
        for episode in ["01", "02"] {
            try FileManager.default.copyItem(atPath: fansub, toPath: media + "/Show/[Fansub] Show - \(episode).mkv")
        }
        // ffmpeg's reference rendering without the attached font.
        let bare = media + "/fansub-without-font.mkv.reference"
        await MediaFixtures.run(
            "/usr/bin/env",
            ["ffmpeg", "-v", "error", "-y", "-i", fansub, "-map", "0", "-map", "-0:t", "-c", "copy", "-f", "matroska", bare]
        )
        let app = try await TestApp.build(
            environment: [
                "ANIKURA_LIBRARY_MEDIA_DIRS": media, "ANIKURA_HLS_TRANSCODE_HEIGHT": "240", "ANIKURA_SERVER_IDLE_TIMEOUT_SECS": "900",
            ]
        )
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            let first = try #require(files["[Fansub] Show - 01.mkv"])
            let second = try #require(files["[Fansub] Show - 02.mkv"])
            let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Browser/playback_prefs.py").path
            let run = try await ChildProcess.run(
                "/usr/bin/python3",
                [script, "http://127.0.0.1:\(try #require(client.port))", WebAppTests.screenshots, "\(first)", "\(second)", fansub, bare]
            )
            let output = String(decoding: run.standardOutput, as: UTF8.self)
            let result = try JSONSerialization.jsonObject(with: run.standardOutput) as? [String: Any] ?? [:]
            #expect(run.status == 0, "\(run.standardError.suffix(3000))")
            #expect((result["failures"] as? [Any])?.isEmpty == true, "\(output)")
            #expect((result["checks"] as? Int ?? 0) >= 40, "\(output)")
        }
    }
}
