import AniDBFake
import AsyncHTTPClient
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Mirror
import NIOCore
import NIOHTTP1

@testable import App

/// Builds the real application the way `serve` does, over an in-memory database seeded with the demo seed.
enum TestApp {
    /// The demo seed shipped in the repository (real AniDB documents).
    static var repositorySeed: String {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("demo/seed").path
    }

    /// When the seeded documents were "fetched": a seed document's age is its file's modification time, and a
    /// checkout's files are as old as the checkout, so the tests use a copy whose files all carry this time.
    static let seedTime = Date().timeIntervalSince1970.rounded(.down)

    /// The demo seed, copied once per test run with every file's modification time set to `seedTime`: ages in the
    /// tests (`X-Age-Days`, STALE after 7 days) are then the ones they set, on a checkout of any age.
    static let demoSeed: String = {
        let copy = NSTemporaryDirectory() + "anikura-seed-\(getpid())-\(UUID().uuidString)"
        try! FileManager.default.createDirectory(atPath: copy, withIntermediateDirectories: true)
        for name in try! FileManager.default.contentsOfDirectory(atPath: repositorySeed) {
            let target = copy + "/" + name
            try! FileManager.default.copyItem(atPath: repositorySeed + "/" + name, toPath: target)
            try! FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSince1970: seedTime)], ofItemAtPath: target)
        }
        return copy
    }()

    static func file(_ name: String) -> [UInt8] {
        Array(try! Data(contentsOf: URL(fileURLWithPath: repositorySeed + "/" + name)))
    }

    static func configuration(_ environment: [String: String] = [:]) throws -> AppConfiguration {
        var environment = environment
        if environment["ANIKURA_SERVER_BIND"] == nil { environment["ANIKURA_SERVER_BIND"] = "127.0.0.1:0" }
        if environment["ANIKURA_STORAGE_DATA_DIR"] == nil { environment["ANIKURA_STORAGE_DATA_DIR"] = temporaryDirectory() }
        // GitHub is out of reach here: a test that wants the community mapping points these at a FakeFileHost.
        for key in ["ANIKURA_MIRROR_MAPPING_URL", "ANIKURA_MIRROR_IDS_URL"] where environment[key] == nil { environment[key] = "" }
        // Tests that change files on purpose (an unmounted disk, a scan's counts) scan when they choose; the watching
        // tests turn it on.
        if environment["ANIKURA_LIBRARY_WATCH"] == nil { environment["ANIKURA_LIBRARY_WATCH"] = "false" }
        return try AppConfiguration(reader: ConfigReader.load(path: nil, environment: environment, required: false))
    }

    static func seededDatabase() throws -> AppDatabase {
        let database = try AppDatabase.open(path: nil)
        let report = try SeedImporter(store: MirrorStore(writer: database.writer)).run(directory: demoSeed)
        precondition(report.failures.isEmpty && report.imported == 19, "demo seed: \(report.summary)")
        return database
    }

    static func build(
        environment: [String: String] = [:],
        clock: any MirrorClock = ManualClock(now: Date().timeIntervalSince1970),
        database: AppDatabase? = nil,
        logger: Logger = Logger(label: "test")
    )
        async throws -> some ApplicationProtocol
    {
        try await buildApplication(
            configuration: configuration(environment),
            logger: logger,
            database: database ?? seededDatabase(),
            clock: clock
        )
    }

    /// A job's Server-Sent Events, read to the end with AsyncHTTPClient as a browser's EventSource reads them:
    /// the status, the content type and the whole text.
    static func jobEvents(port: Int, job: String) async throws -> (status: UInt, contentType: String?, text: String) {
        let http = HTTPClient(eventLoopGroupProvider: .singleton)
        do {
            let response = try await http.execute(
                HTTPClientRequest(url: "http://127.0.0.1:\(port)/api/jobs/\(job)/events"),
                timeout: .seconds(300)
            )
            let text = String(buffer: try await response.body.collect(upTo: 1 << 22))
            try await http.shutdown()
            return (response.status.code, response.headers["Content-Type"].first, text)
        } catch {
            // Shut down before leaving: a client left running fails its deinit check.
            try await http.shutdown()
            throw error
        }
    }

    /// A fresh, empty folder for `storage.data_dir`.
    static func temporaryDirectory() -> String {
        let path = NSTemporaryDirectory() + "anikura-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

extension TestResponse {
    var bytes: [UInt8] { Array(buffer: body) }
    var text: String { String(buffer: body) }

    func json() throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] ?? [:]
    }
}
