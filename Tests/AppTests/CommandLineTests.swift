import Foundation
import GRDB
import TestMedia
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Runs the real `anikura` executable, built next to the test bundle.
@Suite("command line")
struct CommandLineTests {
    static var executable: URL {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        // swift test runs the bundle from .build/<triple>/debug; the executable sits beside it.
        while !FileManager.default.fileExists(atPath: directory.appendingPathComponent("anikura").path), directory.path != "/" {
            directory.deleteLastPathComponent()
        }
        return directory.appendingPathComponent("anikura")
    }

    /// This environment instead of any ANIKURA_ variables of ours.
    func childEnvironment(_ environment: [String: String]) -> [String: String] {
        ProcessInfo.processInfo.environment.filter { !$0.key.hasPrefix("ANIKURA_") }.merging(environment) { $1 }
    }

    func run(_ arguments: [String], environment: [String: String] = [:], input: String = "") async throws -> ChildProcess.Finished {
        try await ChildProcess.run(Self.executable.path, arguments, environment: childEnvironment(environment), input: input)
    }

    func withDataDirectory(_ body: ([String: String]) async throws -> Void) async throws {
        let directory = NSTemporaryDirectory() + "anikura-cli-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try await body(["ANIKURA_STORAGE_DATA_DIR": directory])
    }

    @Test("mirror import, stats and get work end to end")
    func importStatsGet() async throws {
        try await withDataDirectory { environment in
            let imported = try await run(["mirror", "import", TestApp.demoSeed], environment: environment)
            #expect(imported.status == 0)
            #expect(imported.text.hasPrefix("imported 19, replaced 0, unchanged 0, failed 0"))
            let again = try await run(["mirror", "import", TestApp.demoSeed], environment: environment)
            #expect(again.text.hasPrefix("imported 0, replaced 0, unchanged 19"))
            let stats = try await run(["mirror", "stats"], environment: environment)
            let json = try JSONSerialization.jsonObject(with: stats.standardOutput) as? [String: Any]
            #expect(json?["anime"] as? Int == 19)
            let document = try await run(["mirror", "get", "959"], environment: environment)
            #expect(document.status == 0)
            #expect(Array(document.standardOutput) == TestApp.file("959.xml"))
        }
    }

    @Test("an import killed in the middle of a batch leaves whole batches only, and the next import completes it")
    func killedImport() async throws {
        try await withDataDirectory { environment in
            // 1,520 documents: the demo seed's 19, each stored 80 times under new aids.
            let seed = NSTemporaryDirectory() + "anikura-cli-seed-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: seed, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: seed) }
            let names = try FileManager.default.contentsOfDirectory(atPath: TestApp.demoSeed).filter { $0.hasSuffix(".xml") }.sorted()
            var total = 0
            for copy in 0..<80 {
                for (index, name) in names.enumerated() {
                    let aid = 100_000 + copy * 100 + index
                    let text = String(decoding: TestApp.file(name), as: UTF8.self)
                    let renumbered = text.replacing(/<anime id="\d+"/, maxReplacements: 1) { _ in "<anime id=\"\(aid)\"" }
                    try Data(renumbered.utf8).write(to: URL(fileURLWithPath: "\(seed)/\(aid).xml"))
                    total += 1
                }
            }
            let database = environment["ANIKURA_STORAGE_DATA_DIR"]! + "/anikura.sqlite"
            // The database exists first: a new file is briefly in rollback mode while it is created and migrated.
            #expect(try await run(["mirror", "stats"], environment: environment).status == 0)
            // The rollback journal exists only while a batch is being written: kill the process then.
            let (_, killedMidWrite) = try await ChildProcess.withRunning(
                Self.executable.path,
                ["mirror", "import", seed],
                environment: childEnvironment(environment)
            ) { importer in
                while importer.isRunning && !FileManager.default.fileExists(atPath: database + "-journal") { usleep(200) }
                let killedMidWrite = importer.isRunning
                importer.send(SIGKILL)
                return killedMidWrite
            }
            #expect(killedMidWrite, "the import never wrote with a rollback journal")

            // Opening the file rolls the cut batch back: whole batches (256 documents each) or everything.
            let pool = try DatabasePool(path: database)
            let (mode, check, stored, orphans) = try await pool.read { db in
                (
                    try String.fetchOne(db, sql: "PRAGMA journal_mode"), try String.fetchOne(db, sql: "PRAGMA integrity_check"),
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM anime") ?? -1,
                    try Int.fetchOne(
                        db,
                        sql: "SELECT COUNT(*) FROM anime WHERE id NOT IN (SELECT animeId FROM document) "
                            + "OR id NOT IN (SELECT animeId FROM title) OR id NOT IN (SELECT animeId FROM seedFile)"
                    )
                )
            }
            try pool.close()
            #expect(mode == "wal" && check == "ok")
            #expect(stored % 256 == 0 || stored == total, "\(stored) documents stored")
            #expect(orphans == 0)

            let again = try await run(["mirror", "import", seed], environment: environment)
            #expect(again.status == 0, "\(again.standardError)")
            #expect(again.text.hasPrefix("imported \(total - stored), replaced 0, unchanged \(stored), failed 0"))
            let after = try DatabaseQueue(path: database)
            let (count, pending, indexes) = try await after.read { db in
                (
                    try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM anime"), try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM pendingIndex"),
                    try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
                )
            }
            #expect(count == total && pending == 0)
            #expect(indexes.contains("tag_nameKey_weight") && indexes.contains("title_normalized"))
        }
    }

    @Test("parse prints Anitomy's elements, one JSON object a line from standard input; scan indexes media folders")
    func parseAndScan() async throws {
        let parsed = try await run(["parse", "--json", "[SubsPlease] Sousou no Frieren - 17 (1080p) [ABCD1234].mkv"])
        #expect(parsed.status == 0)
        let json = try JSONSerialization.jsonObject(with: parsed.standardOutput) as? [String: Any]
        #expect(json?["title"] as? String == "Sousou no Frieren")
        #expect(json?["episode"] as? String == "17")
        #expect(json?["release_group"] as? String == "SubsPlease")

        let piped = try await run(["parse", "--json", "-"], input: "[A] One - 01.mkv\n[B] Two - 02v2 [720p].mp4\n")
        let lines = piped.text.split(separator: "\n")
        #expect(lines.count == 2)
        #expect(lines.last?.contains(#""release_version": "2""#) == true)

        try await withDataDirectory { environment in
            let media = NSTemporaryDirectory() + "anikura-cli-media-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: media + "/Show", withIntermediateDirectories: true)
            try Data("x".utf8).write(to: URL(fileURLWithPath: media + "/Show/[G] Show - 01.mkv"))
            defer { try? FileManager.default.removeItem(atPath: media) }
            var environment = environment
            environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = media
            let scanned = try await run(["scan"], environment: environment)
            #expect(scanned.status == 0)
            #expect(scanned.text.hasPrefix("found 1 videos: 1 new"))
            let again = try await run(["scan"], environment: environment)
            #expect(again.text.contains("1 unchanged"))
        }
    }

    @Test("a folder the scanning user may not read is reported and skipped; the scan completes (as a user, not root)")
    func unreadableFolder() async throws {
        let top = NSTemporaryDirectory() + "anikura-cli-locked-" + UUID().uuidString
        defer {
            chmod(top + "/media/locked", 0o755)
            try? FileManager.default.removeItem(atPath: top)
        }
        for folder in ["media/Show", "media/locked", "data"] {
            try FileManager.default.createDirectory(atPath: top + "/" + folder, withIntermediateDirectories: true)
        }
        try Data("x".utf8).write(to: URL(fileURLWithPath: top + "/media/Show/[G] Show - 01.mkv"))
        try Data("x".utf8).write(to: URL(fileURLWithPath: top + "/media/locked/[G] Hidden - 01.mkv"))
        chmod(top, 0o755)
        chmod(top + "/data", 0o777)
        chmod(top + "/media/locked", 0)
        let environment = childEnvironment(["ANIKURA_STORAGE_DATA_DIR": top + "/data", "ANIKURA_LIBRARY_MEDIA_DIRS": top + "/media"])
        // Root reads every folder whatever its mode, so as root the scan runs as nobody, as a service user would.
        let scanned =
            getuid() == 0
            ? try await ChildProcess.run("/usr/sbin/runuser", ["-u", "nobody", "--", Self.executable.path, "scan"], environment: environment)
            : try await ChildProcess.run(Self.executable.path, ["scan"], environment: environment)
        #expect(scanned.status == 0, "\(scanned.standardError)")
        #expect(scanned.standardError.contains("skipped \(top)/media/locked: cannot read folder"), "\(scanned.standardError)")
        #expect(scanned.text.hasPrefix("found 1 videos: 1 new"), "\(scanned.text)")
    }

    @Test("mirror mapping and mirror ids import the community files; a damaged one is refused and replaces nothing")
    func mappingImport() async throws {
        try await withDataDirectory { environment in
            let directory = try #require(environment["ANIKURA_STORAGE_DATA_DIR"])
            let list = MappingDownloadTests.fixtures.appendingPathComponent("anime-list-subset.xml").path
            let ids = MappingDownloadTests.fixtures.appendingPathComponent("anime_ids-subset.json").path
            let imported = try await run(["mirror", "mapping", list], environment: environment)
            #expect(imported.status == 0 && imported.text == "imported anime-list-master.xml: 299 anime\n", "\(imported.standardError)")
            // The demo seed's gzip copy of the whole file is taken as well.
            let full = try await run(["mirror", "ids", TestApp.repositorySeed + "/anime_ids.json.gz"], environment: environment)
            #expect(full.status == 0 && full.text.hasPrefix("imported anime_ids.json: 16"), "\(full.standardError)")
            let idsImported = try await run(["mirror", "ids", ids], environment: environment)
            #expect(idsImported.text == "imported anime_ids.json: 299 anime\n")
            #expect(FileManager.default.contents(atPath: directory + "/anime-list-master.xml") == (try Data(contentsOf: URL(fileURLWithPath: list))))
            // A truncated file: one line saying why, exit 1, the copy kept.
            let damaged = directory + "/damaged.xml"
            let bytes = try Data(contentsOf: URL(fileURLWithPath: list))
            try bytes.prefix(bytes.count / 2).write(to: URL(fileURLWithPath: damaged))
            let refused = try await run(["mirror", "mapping", damaged], environment: environment)
            #expect(refused.status != 0)
            #expect(
                refused.standardError.contains("was not imported (nothing was replaced): the anime list is not well-formed XML"),
                "\(refused.standardError)"
            )
            #expect(refused.standardError.split(separator: "\n").count == 1)
            #expect(FileManager.default.contents(atPath: directory + "/anime-list-master.xml") == bytes)
            let wrong = try await run(["mirror", "ids", list], environment: environment)
            #expect(wrong.status != 0 && wrong.standardError.contains("the ids file is not valid JSON"), "\(wrong.standardError)")
        }
    }

    @Test("failures exit non-zero with one line on standard error")
    func failures() async throws {
        try await withDataDirectory { environment in
            let cases: [([String], [String: String], String)] = [
                (["mirror", "import", "/nonexistent/seed"], [:], "does not exist"),
                (["mirror", "get", "abc"], [:], "aid must be a positive integer"),
                (["mirror", "get", "77777"], [:], "not in the mirror"),
                (["mirror", "stats"], ["ANIKURA_MIRROR_DAILY_LIMIT": "lots"], "mirror.daily_limit"),
                (["mirror", "stats", "--config", "/nonexistent/config.toml"], [:], "does not exist"),
                (["--config", "/nonexistent/config.toml", "mirror", "stats"], [:], "does not exist"),
                (["serve"], ["ANIKURA_SERVER_BIND": "0.0.0.0:8080"], "server.bind"),
            ]
            for (arguments, extra, message) in cases {
                let result = try await run(arguments, environment: environment.merging(extra) { $1 })
                #expect(result.status != 0, "\(arguments)")
                let lines = result.standardError.split(separator: "\n")
                #expect(lines.count == 1, "\(arguments): \(result.standardError)")
                #expect(result.standardError.contains(message), "\(arguments): \(result.standardError)")
            }
        }
    }

    @Test("serve on an address another program listens on exits non-zero, naming the address, and logs no 'listening'")
    func addressInUse() async throws {
        // A listening socket of our own on a free port.
        let listener = LocalListener()
        defer { listener.close() }
        let port = listener.port

        try await withDataDirectory { environment in
            let served = try await run(["serve"], environment: environment.merging(["ANIKURA_SERVER_BIND": "127.0.0.1:\(port)"]) { $1 })
            #expect(served.status != 0)
            let last = served.standardError.split(separator: "\n").last.map(String.init) ?? ""
            #expect(
                last == "anikura: cannot listen on 127.0.0.1:\(port) (server.bind): another program is already listening there",
                "\(served.standardError)"
            )
            #expect(!served.standardError.contains("listening on"), "\(served.standardError)")
        }
    }

    @Test("secrets never reach the output")
    func secretsStayHidden() async throws {
        try await withDataDirectory { environment in
            let result = try await run(
                ["mirror", "stats"],
                environment: environment.merging(["ANIKURA_MIRROR_PASSWORD": "hunter2", "ANIKURA_SERVER_BIND": "bad"]) { $1 }
            )
            #expect(result.status != 0)
            #expect(!result.standardError.contains("hunter2") && !result.text.contains("hunter2"))
        }
    }

    @Test("match --json prints one path/aid/episode/confidence line per file; missing-sequels --json the report")
    func matchAndMissingSequels() async throws {
        try await withDataDirectory { environment in
            let media = try MatchAPITests.media([
                "Haikyuu!!/[HorribleSubs] Haikyuu!! - 03 [720p].mkv",
                "[gg] Seikai no Monshou - 02.mkv",
                "[X] Zzyzx Qwerty Plonk - 01.mkv",
            ])
            var environment = environment
            environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = media
            #expect(try await run(["mirror", "import", TestApp.demoSeed], environment: environment).status == 0)
            #expect(try await run(["scan"], environment: environment).status == 0)
            let matched = try await run(["match", "--json"], environment: environment)
            #expect(matched.status == 0, "\(matched.standardError)")
            let lines = matched.text.split(separator: "\n")
            #expect(lines.count == 3)
            let objects = try lines.map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] ?? [:] }
            for object in objects { #expect(Set(object.keys) == ["path", "aid", "episode", "confidence"]) }
            let haikyuu = try #require(objects.first { ($0["path"] as? String)?.contains("Haikyuu") == true })
            #expect(haikyuu["aid"] as? Int == 10145 && haikyuu["episode"] as? String == "3")
            let nonsense = try #require(objects.first { ($0["path"] as? String)?.contains("Zzyzx") == true })
            #expect(nonsense["aid"] is NSNull && nonsense["episode"] is NSNull)
            #expect(matched.standardError.contains("matched 3 files: 2 applied"))
            let missing = try await run(["missing-sequels", "--json"], environment: environment)
            #expect(missing.status == 0, "\(missing.standardError)")
            let report = try JSONSerialization.jsonObject(with: missing.standardOutput) as? [[String: Any]] ?? []
            let seikai = try #require(report.first { $0["aid"] as? Int == 1 })
            #expect((seikai["missing"] as? [[String: Any]])?.first?["aid"] as? Int == 4)
            #expect((seikai["missing"] as? [[String: Any]])?.first?["relation"] as? String == "Sequel")
        }
    }
}
