import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A media folder that stops answering (a network share gone away) while people press play. Stood in for by a
/// FIFO under a file's name: opening it blocks, as an `open` on a dead NFS mount does, until a writer comes.
/// Watched from outside on the real `anikura serve`, whose blocking pool is its own.
@Suite("a media folder that stops answering")
struct DeadMountTests {
    /// `library.disk_timeout_secs` for the test.
    static let patience = 3
    @Test("plays of a file there are told so in time; the rest of the API and other folders go on; it recovers", .timeLimit(.minutes(2)))
    func deadFolder() async throws {
        let top = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: top) }
        let video = await MediaFixtures.h264
        for (folder, name) in [("dead/Show", "[G] Show - 01.mkv"), ("dead/Show", "[G] Show - 02.mkv"), ("alive/Other", "[G] Other - 01.mkv")] {
            try FileManager.default.createDirectory(atPath: "\(top)/\(folder)", withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: video, toPath: "\(top)/\(folder)/\(name)")
        }
        let port = CrashRecoveryTests.freePort()
        let settings = [
            "ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": top + "/data",
            "ANIKURA_LIBRARY_MEDIA_DIRS": "\(top)/dead:\(top)/alive", "ANIKURA_LIBRARY_WATCH": "false",
            "ANIKURA_LIBRARY_DISK_TIMEOUT_SECS": "\(Self.patience)", "ANIKURA_ALERTS_CHECK_SECS": "0.5",
        ]
        let http = HTTPClient.shared
        let fifo = "\(top)/dead/Show/[G] Show - 02.mkv"
        _ = try await ChildProcess.withRunning(CommandLineTests.executable.path, ["serve"], environment: CrashRecoveryTests.environment(settings)) {
            server in
            #expect(await CrashRecoveryTests.waitUntil { await CrashRecoveryTests.call(http, port, "/health") != nil })
            #expect(await CrashRecoveryTests.call(http, port, "/api/library/scan", method: .POST)?.0 == 202)
            var ids: [String: Int] = [:]
            _ = await CrashRecoveryTests.waitUntil {
                let series = await CrashRecoveryTests.call(http, port, "/api/library")?.1["series"] as? [[String: Any]] ?? []
                for file in series.flatMap({ $0["files"] as? [[String: Any]] ?? [] }) {
                    ids[(((file["path"] as? String) ?? "") as NSString).lastPathComponent] = file["id"] as? Int
                }
                return ids.count == 3
            }
            let hung = try #require(ids["[G] Show - 02.mkv"])
            let sameFolder = try #require(ids["[G] Show - 01.mkv"])
            let otherFolder = try #require(ids["[G] Other - 01.mkv"])
            // The share goes away under the second episode.
            try FileManager.default.removeItem(atPath: fifo)
            #expect(mkfifo(fifo, 0o644) == 0)

            // More plays than the blocking pool has threads (8), on a client of their own: the shared one keeps 8
            // connections to a host, and would hold the requests below behind them.
            var configuration = HTTPClient.Configuration()
            configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 16
            let players = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
            let plays = Task {
                await withTaskGroup(of: (UInt?, Duration).self) { group in
                    for _ in 0..<12 {
                        group.addTask {
                            let started = ContinuousClock.now
                            let status = await CrashRecoveryTests.call(players, port, "/api/stream/\(hung)")?.0
                            return (status, ContinuousClock.now - started)
                        }
                    }
                    return await group.reduce(into: [(UInt?, Duration)]()) { $0.append($1) }
                }
            }
            // Meanwhile everything else answers, sooner than a play on the dead share is told it does not answer.
            for path in ["/api/library", "/api/me", "/api/shelf", "/api/stream/\(otherFolder)", "/api/watch/\(otherFolder)"] {
                let started = ContinuousClock.now
                let status = await CrashRecoveryTests.call(http, port, path)?.0
                #expect(status == 200, "\(path) while the folder hangs: \(status.map(String.init) ?? "no answer")")
                #expect(ContinuousClock.now - started < .seconds(Self.patience), "\(path) took \(ContinuousClock.now - started)")
            }
            let answers = await plays.value
            try? await players.shutdown()
            #expect(answers.allSatisfy { $0.0 == 504 }, "\(answers)")
            // Two waits at most: for a slot, then for the answer.
            #expect(answers.allSatisfy { $0.1 < .seconds(2 * Self.patience + 1) }, "\(answers)")
            #expect(await CrashRecoveryTests.call(http, port, "/api/stream/\(hung)")?.1.description.contains("did not answer") == true)
            // The folder's slots stay with the calls that hang: another file there is told the same.
            #expect(await CrashRecoveryTests.call(http, port, "/api/stream/\(sameFolder)")?.0 == 504)
            // The settings page's list of folders says so, within the patience, and the alert check counts the folder
            // offline; the other folder is as it was.
            let started = ContinuousClock.now
            let folders = try await Self.folders(http, port)
            #expect(ContinuousClock.now - started < .seconds(Self.patience + 1), "/api/library/folders took \(ContinuousClock.now - started)")
            #expect(folders["\(top)/dead"]?["answering"] as? Bool == false, "\(folders)")
            #expect(folders["\(top)/dead"]?["reachable"] as? Bool == false, "\(folders)")
            #expect(folders["\(top)/alive"]?["reachable"] as? Bool == true, "\(folders)")
            #expect(await CrashRecoveryTests.waitUntil(20) { await Self.metrics(http, port).contains("anikura_media_folders_offline 1.0") })

            // A whole scan leaves the folder out rather than hang in it (or, here, take the FIFO for a file gone): the
            // job ends, says why, and the files there are kept as offline; the other folder is scanned as usual.
            let report = try await Self.scan(http, port)
            #expect(report["offline"] as? Int == 2 && report["removed"] as? Int == 0 && report["unchanged"] as? Int == 1, "\(report)")
            let problems = report["problems"] as? [[String: Any]] ?? []
            #expect(problems.contains { $0["path"] as? String == "\(top)/dead" && "\($0["reason"] ?? "")".contains("did not answer") }, "\(problems)")
            #expect(await Self.offline(http, port) == [hung: true, sameFolder: true, otherFolder: false])
            // So does a targeted scan of a folder there (what the watcher and Sonarr's webhook ask for).
            let update = try await Self.scan(http, port, paths: ["\(top)/dead/Show"])["scan"] as? [String: Any] ?? [:]
            #expect(update["offline"] as? Int == 2 && update["removed"] as? Int == 0, "\(update)")
            #expect("\(update["problems"] ?? "")".contains("did not answer"), "\(update)")
            #expect(await Self.offline(http, port) == [hung: true, sameFolder: true, otherFolder: false])

            // The share comes back whole (a writer opens the FIFO, so the hung opens return, and the file is a file
            // again): it answers at once, and the next scan brings its files back online, so they play again.
            let writer = open(fifo, O_WRONLY | O_NONBLOCK)
            #expect(writer >= 0, "open the FIFO for writing: errno \(errno)")
            close(writer)
            #expect(await CrashRecoveryTests.waitUntil(20) { (try? await Self.folders(http, port)["\(top)/dead"]?["answering"] as? Bool) == true })
            try FileManager.default.removeItem(atPath: fifo)
            try FileManager.default.copyItem(atPath: video, toPath: fifo)
            let back = try await Self.scan(http, port)
            #expect(back["offline"] as? Int == 0 && back["removed"] as? Int == 0, "\(back)")
            #expect(await Self.offline(http, port) == [hung: false, sameFolder: false, otherFolder: false])
            #expect(await CrashRecoveryTests.call(http, port, "/api/stream/\(sameFolder)")?.0 == 200, "the folder plays again once it answers")
            #expect(await CrashRecoveryTests.waitUntil(20) { await Self.metrics(http, port).contains("anikura_media_folders_offline 0.0") })
            server.send(SIGTERM)
        }
    }

    /// Runs a scan through the API (a whole one, or of `paths`) and returns its job's result.
    static func scan(_ http: HTTPClient, _ port: Int, paths: [String]? = nil) async throws -> [String: Any] {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/library/scan")
        request.method = .POST
        if let paths {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(try JSONSerialization.data(withJSONObject: ["paths": paths]))
        }
        let response = try await http.execute(request, timeout: .seconds(10))
        let started = try JSONSerialization.jsonObject(with: Data((try await response.body.collect(upTo: 1 << 20)).readableBytesView))
        #expect(response.status.code == 202)
        let job = try #require((started as? [String: Any])?["id"] as? String)
        var report: [String: Any] = [:]
        let ended = await CrashRecoveryTests.waitUntil(30) {
            let snapshot = await CrashRecoveryTests.call(http, port, "/api/jobs/\(job)")?.1 ?? [:]
            report = snapshot["result"] as? [String: Any] ?? [:]
            return snapshot["state"] as? String == "done"
        }
        #expect(ended, "the scan ended")
        return report
    }

    /// Whether each file of the library is marked offline, by id.
    static func offline(_ http: HTTPClient, _ port: Int) async -> [Int: Bool] {
        let series = await CrashRecoveryTests.call(http, port, "/api/library")?.1["series"] as? [[String: Any]] ?? []
        let files = series.flatMap { $0["files"] as? [[String: Any]] ?? [] }
        return Dictionary(files.map { ($0["id"] as? Int ?? 0, $0["offline"] as? Bool ?? false) }) { first, _ in first }
    }

    /// `/api/library/folders` by path.
    static func folders(_ http: HTTPClient, _ port: Int) async throws -> [String: [String: Any]] {
        let folders = try #require(await CrashRecoveryTests.call(http, port, "/api/library/folders")?.1["folders"] as? [[String: Any]])
        return Dictionary(folders.map { (($0["path"] as? String) ?? "", $0) }) { first, _ in first }
    }

    static func metrics(_ http: HTTPClient, _ port: Int) async -> String {
        guard let response = try? await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"), timeout: .seconds(10)),
            let body = try? await response.body.collect(upTo: 1 << 22)
        else { return "" }
        return String(buffer: body)
    }
}
