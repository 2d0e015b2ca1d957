import Foundation
import TestMedia
import Testing

@testable import Stream

#if canImport(Glibc)
import Glibc
#endif

@Suite("ffmpeg children")
struct ChildProcessGroupTests {
    @Test("an ffmpeg an earlier server left writing into the segment cache is killed at start; others are not")
    func leftoversKilled() async throws {
        let root = NSTemporaryDirectory() + "anikura-leftover-" + UUID().uuidString
        let elsewhere = NSTemporaryDirectory() + "anikura-elsewhere-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: root + "/1-2-3/v", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: elsewhere, withIntermediateDirectories: true)
        defer {
            try? FileManager.default.removeItem(atPath: root)
            try? FileManager.default.removeItem(atPath: elsewhere)
        }
        // Started by a shell that exits at once: the ffmpeg is orphaned, as after a server killed with SIGKILL.
        func orphan(writing output: String) async throws -> Int32 {
            let started = try await ChildProcess.run(
                "/bin/sh",
                ["-c", "ffmpeg -nostdin -loglevel error -re -f lavfi -i testsrc -t 600 -f mpegts '\(output)' >/dev/null 2>&1 & echo $!"]
            )
            return try #require(Int32(started.text.trimmingCharacters(in: .whitespacesAndNewlines)))
        }
        let leftover = try await orphan(writing: root + "/1-2-3/v/0.ts.part")
        let unrelated = try await orphan(writing: elsewhere + "/out.ts")
        defer { kill(unrelated, SIGKILL) }
        try await Task.sleep(for: .milliseconds(300))
        #expect(kill(leftover, 0) == 0 && kill(unrelated, 0) == 0, "both run")

        ChildProcessGroup.killLeftovers(writingUnder: root)
        var gone = false
        for _ in 0..<50 where !gone {
            let state = (try? String(contentsOfFile: "/proc/\(leftover)/stat", encoding: .utf8))?.split(separator: ")").last?
                .split(separator: " ").first
            gone = kill(leftover, 0) != 0 || state == "Z"
            if !gone { try await Task.sleep(for: .milliseconds(100)) }
        }
        #expect(gone, "the leftover is killed")
        #expect(kill(unrelated, 0) == 0, "an ffmpeg writing elsewhere is left alone")
    }
}
