import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Route handlers never start a thread: blocking work goes to the one bounded pool, which is started once. Watched
/// from outside on the real `anikura serve` (its own process, so other tests' threads do not count): the thread ids
/// under `/proc/{pid}/task` are sampled all through a burst of requests over the routes that do blocking work.
@Suite("thread use")
struct ThreadUseTests {
    static func threads(_ pid: Int32) -> Set<Int> {
        Set(((try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []).compactMap { Int($0) })
    }

    /// A thread's name (what started it: "NIO-SGLTN-…", "BlockingPool", Dispatch's "…worker"), to say which part did.
    static func name(_ pid: Int32, _ thread: Int) -> String {
        ((try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/comm", encoding: .utf8)) ?? "gone").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func text(_ http: HTTPClient, _ port: Int, _ path: String) async throws -> String {
        let response = try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)"), timeout: .seconds(30))
        return String(buffer: try await response.body.collect(upTo: 1 << 22))
    }

    @Test("a burst of requests over the routes that read the stores, probe files and serve segments starts no thread", .timeLimit(.minutes(3)))
    func burstStartsNoThread() async throws {
        let data = TestApp.temporaryDirectory()
        defer { try? FileManager.default.removeItem(atPath: data) }
        let folder = NSTemporaryDirectory() + "anikura-threads-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/Show", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: await MediaFixtures.h264, toPath: folder + "/Show/[G] Show - 01.mkv")
        let port = CrashRecoveryTests.freePort()
        let settings = ["ANIKURA_SERVER_BIND": "127.0.0.1:\(port)", "ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_LIBRARY_MEDIA_DIRS": folder]
        let http = HTTPClient.shared
        let (_, report) = try await ChildProcess.withRunning(
            CommandLineTests.executable.path,
            ["serve"],
            environment: CrashRecoveryTests.environment(settings)
        ) { server -> (requests: Int, failed: [String], before: Set<Int>, started: [Int: String]) in
            let up = await CrashRecoveryTests.waitUntil { await CrashRecoveryTests.call(http, port, "/health") != nil }
            #expect(up)
            #expect(await CrashRecoveryTests.call(http, port, "/api/library/scan", method: .POST)?.0 == 202)
            var ticket: [String: Any] = [:]
            _ = await CrashRecoveryTests.waitUntil {
                ticket = await CrashRecoveryTests.call(http, port, "/api/stream/1")?.1 ?? [:]
                return ticket["url"] != nil
            }
            let master = try #require(ticket["url"] as? String)
            let base = String(master.split(separator: "?")[0].dropLast("master.m3u8".count))
            let masterText = try await Self.text(http, port, master)
            let video = try #require(masterText.split(separator: "\n").first { $0.hasPrefix("v") && $0.hasSuffix("index.m3u8") })
            let paths = [
                "/api/me", "/api/me/preferences", "/api/me/continue", "/api/library", "/api/library/files/1", "/api/matches",
                "/api/shelf", "/api/attention", "/api/library/folders", "/api/users", "/api/watch/1", "/api/me/progress/1",
                "/api/stream/1", master, base + video, base + video.dropLast("index.m3u8".count) + "0.ts", "/anime/1", "/api/anime/1",
            ]
            // Once over every route first: what starts lazily (the pool itself, a database connection, the first
            // segment) has started before the count.
            for path in paths {
                _ = await CrashRecoveryTests.call(http, port, path)
            }
            // The first play also starts background work that is not a request's: the seek previews, made by an
            // ffmpeg child whose pipes libdispatch reads on threads of its own. Counted once it is done.
            let previews = await CrashRecoveryTests.waitUntil { await CrashRecoveryTests.call(http, port, base + "trickplay/index.vtt")?.0 == 200 }
            #expect(previews, "the seek previews are made")
            // One burst as the counted ones, not counted: libdispatch lets its idle workers (those running Swift's
            // tasks among them) exit after a few seconds, and starts them again when work comes — while the previews
            // were being made, the pools may have shrunk below what a burst uses.
            await withTaskGroup(of: Void.self) { group in
                for path in paths { group.addTask { _ = await CrashRecoveryTests.call(http, port, path) } }
            }
            let before = Self.threads(server.pid)
            let sampling = Task {
                var seen: [Int: String] = [:]
                while !Task.isCancelled {
                    for thread in Self.threads(server.pid).subtracting(before) where seen[thread] == nil {
                        seen[thread] = Self.name(server.pid, thread)
                    }
                    try? await Task.sleep(for: .milliseconds(1))
                }
                return seen
            }
            var failed: [String] = []
            var requests = 0
            for _ in 0..<10 {
                let statuses = await withTaskGroup(of: (String, UInt?).self) { group in
                    for path in paths { group.addTask { (path, await CrashRecoveryTests.call(http, port, path)?.0) } }
                    return await group.reduce(into: [(String, UInt?)]()) { $0.append($1) }
                }
                requests += statuses.count
                failed += statuses.filter { !(200..<300).contains($0.1 ?? 0) && $0.1 != 404 }.map {
                    "\($0.0): \($0.1.map(String.init) ?? "no answer")"
                }
            }
            sampling.cancel()
            var started = await sampling.value
            for thread in Self.threads(server.pid).subtracting(before) where started[thread] == nil {
                started[thread] = Self.name(server.pid, thread)
            }
            server.send(SIGTERM)
            return (requests, failed, before, started)
        }
        #expect(report.failed.isEmpty, "\(report.failed)")
        // libdispatch runs the serial queues GRDB reads and writes on with workers of its own ("…-qos.overcommit"),
        // started and stopped by libdispatch as the queues get work and fall idle, whoever asks: reported, not
        // counted. Swift's tasks run on libdispatch's global queue ("…root.default-qos"), whose monitor looks once a
        // second and adds a worker when work waits and a worker is not running — one waiting a moment for a lock
        // (NIO's event-loop locks, a metrics histogram's) is enough — until twice the cores run
        // (WORKQ_OVERSUBSCRIBE_FACTOR in libdispatch's src/event/workqueue.c): allowed up to that bound, reported.
        // Everything else counts: a thread started per call, as the old `offThread` did (it took its starter's name,
        // so a burst would show a hundred "…default-qos" threads, far past the bound), or a pool that grows.
        let dispatchWorkers = report.started.values.filter { $0.hasSuffix("qos.overcommit") }.count
        let globalQueueWorkers = report.started.values.filter { $0.hasSuffix("default-qos") }.count
        let globalQueueBound = 2 * ProcessInfo.processInfo.activeProcessorCount
        let started = report.started.values.filter { !$0.hasSuffix("qos.overcommit") && !$0.hasSuffix("default-qos") }.sorted()
        print(
            "thread use: \(report.requests) requests, \(report.before.count) threads before, \(started.count) started during the burst"
                + " (and \(dispatchWorkers) libdispatch workers for serial queues, \(globalQueueWorkers) for its global queue)"
        )
        #expect(
            globalQueueWorkers <= globalQueueBound,
            "\(globalQueueWorkers) threads joined libdispatch's global queue, past its bound of \(globalQueueBound): threads started per call?"
        )
        #expect(started.isEmpty, "\(started.count) threads started during \(report.requests) requests: \(started)")
    }
}
