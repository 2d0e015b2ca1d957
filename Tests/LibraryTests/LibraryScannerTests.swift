import Foundation
import GRDB
import Testing

@testable import Library

#if canImport(Glibc)
import Glibc
#endif

@Suite("library scanner on real folders")
struct LibraryScannerTests {
    /// A fresh media folder and an in-memory index.
    struct Fixture {
        let root: String
        let index: LibraryIndex
        var scanner: LibraryScanner { LibraryScanner(index: index, roots: [root]) }

        init() throws {
            root = NSTemporaryDirectory() + "anikura-media-" + UUID().uuidString
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            let queue = try DatabaseQueue()
            var migrator = DatabaseMigrator()
            LibrarySchema.registerMigrations(in: &migrator)
            try migrator.migrate(queue)
            index = LibraryIndex(writer: queue)
        }

        func write(_ relative: String, _ content: String = "video") throws {
            let path = root + "/" + relative
            try FileManager.default.createDirectory(
                atPath: (path as NSString).deletingLastPathComponent,
                withIntermediateDirectories: true
            )
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        }
    }

    @Test("new, unchanged, changed, moved and deleted files; folders give context")
    func incremental() throws {
        let fixture = try Fixture()
        try fixture.write("Show (2013)/Season 2/01.mkv", "one")
        try fixture.write("[Group] Other Show - 03 [1080p].mkv", "three")
        try fixture.write("sub/dir/[G] Third - 01.mp4", "third")
        try fixture.write(".hidden.mkv")
        try fixture.write("download.mkv.part")
        try fixture.write("notes.txt")

        var report = try fixture.scanner.scan()
        #expect(report.found == 3)
        #expect(report.added == 3)
        let series = try fixture.index.series()
        #expect(series.map(\.title).sorted() == ["Other Show", "Show", "Third"])
        let show = try #require(series.first { $0.title == "Show" })
        #expect(show.season == "2")
        #expect(show.files.first?.episode == "01")
        let other = try #require(try fixture.index.files().first { $0.title == "Other Show" })
        #expect(other.parsed["video_resolution"] == .one("1080p"))
        #expect(other.parsed["release_group"] == .one("Group"))

        report = try fixture.scanner.scan()
        #expect(report.unchanged == 3)
        #expect(report.added + report.changed + report.moved + report.removed == 0)

        // Changed in place: new size and time.
        try fixture.write("[Group] Other Show - 03 [1080p].mkv", "three, re-encoded")
        // Moved and renamed: same content, new place; keeps its id.
        let before = try #require(try fixture.index.files().first { $0.title == "Third" })
        try FileManager.default.createDirectory(atPath: fixture.root + "/Third", withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            atPath: fixture.root + "/sub/dir/[G] Third - 01.mp4",
            toPath: fixture.root + "/Third/[G] Third - 01 (renamed).mp4"
        )
        report = try fixture.scanner.scan()
        #expect(report.changed == 1)
        #expect(report.moved == 1)
        #expect(report.unchanged == 1)
        let after = try #require(try fixture.index.files().first { $0.title == "Third" })
        #expect(after.id == before.id)
        #expect(after.path.hasSuffix("(renamed).mp4"))

        try FileManager.default.removeItem(atPath: fixture.root + "/Show (2013)")
        report = try fixture.scanner.scan()
        #expect(report.removed == 1)
        #expect(try fixture.index.series().map(\.title).sorted() == ["Other Show", "Third"])
    }

    @Test("loops, broken links and non-UTF-8 names are reported and skipped; the scan completes")
    func hostileTree() throws {
        let fixture = try Fixture()
        try fixture.write("[G] Show - 01.mkv")
        #expect(symlink(fixture.root, fixture.root + "/loop") == 0)
        #expect(symlink(fixture.root + "/nowhere.mkv", fixture.root + "/broken.mkv") == 0)
        #expect(symlink(fixture.root + "/b.mkv", fixture.root + "/a.mkv") == 0)
        #expect(symlink(fixture.root + "/a.mkv", fixture.root + "/b.mkv") == 0)
        let badName = Array((fixture.root + "/bad-").utf8) + [0xFF, 0xFE] + Array(".mkv".utf8) + [0]
        let fd = badName.withUnsafeBufferPointer {
            open(UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), O_CREAT | O_WRONLY, 0o644)
        }
        #expect(fd >= 0)
        close(fd)

        let report = try fixture.scanner.scan()
        let reasons = report.problems.map(\.reason)
        #expect(reasons.contains("broken symbolic link"))
        #expect(reasons.contains("symbolic link loop"), "a -> b -> a is a loop, not a broken link")
        #expect(reasons.contains("name is not valid UTF-8"))
        // A folder the scanning user may not read: CommandLineTests.unreadableFolder, which scans as a plain user
        // (root reads every folder whatever its mode).
        #expect(try fixture.index.files().contains { $0.title == "Show" }, "the loop is walked once")
        #expect(try fixture.index.files().filter { $0.title == "Show" }.count == 1)
    }

    @Test("a missing media folder is a problem, not a failure")
    func missingRoot() throws {
        let fixture = try Fixture()
        let report = try LibraryScanner(index: fixture.index, roots: [fixture.root + "/nope"]).scan()
        #expect(report.problems.first?.reason.hasPrefix("cannot read media folder") == true)
    }

    @Test("a file reached by a link and by its own path is indexed once, under its own path")
    func linkedFileOnce() throws {
        let fixture = try Fixture()
        try fixture.write("Show/[G] Show - 01.mkv", "one")
        try FileManager.default.createDirectory(atPath: fixture.root + "/Links", withIntermediateDirectories: true)
        #expect(symlink(fixture.root + "/Show/[G] Show - 01.mkv", fixture.root + "/Links/[G] Show - 01.mkv") == 0)
        let report = try fixture.scanner.scan()
        #expect(report.found == 1)
        #expect(try fixture.index.files().map(\.path) == [fixture.root + "/Show/[G] Show - 01.mkv"])
    }

    @Test("links to a file and to a folder outside the media folder are followed: their videos are indexed under the links")
    func linksOutsideAreFollowed() throws {
        let fixture = try Fixture()
        let outside = NSTemporaryDirectory() + "anikura-outside-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: outside) }
        try FileManager.default.createDirectory(atPath: outside + "/Series", withIntermediateDirectories: true)
        for name in ["[G] Loose - 01.mkv", "Series/[G] Far Show - 01.mkv", "Series/[G] Far Show - 02.mkv"] {
            try Data("x".utf8).write(to: URL(fileURLWithPath: outside + "/" + name))
        }
        #expect(symlink(outside + "/[G] Loose - 01.mkv", fixture.root + "/[G] Loose - 01.mkv") == 0)
        #expect(symlink(outside + "/Series", fixture.root + "/Far Show") == 0)
        let report = try fixture.scanner.scan()
        #expect(report.found == 3)
        #expect(report.problems.isEmpty, "\(report.problems)")
        #expect(
            try fixture.index.files().map(\.path).sorted() == [
                fixture.root + "/Far Show/[G] Far Show - 01.mkv", fixture.root + "/Far Show/[G] Far Show - 02.mkv",
                fixture.root + "/[G] Loose - 01.mkv",
            ]
        )
    }

    @Test("a media folder that is moved away, or left empty, keeps its files offline; they come back intact")
    func unmountedRootKeepsFiles() throws {
        let fixture = try Fixture()
        try fixture.write("Show/[G] Show - 01.mkv", "one")
        try fixture.write("Show/[G] Show - 02.mkv", "two")
        _ = try fixture.scanner.scan()
        let files = try fixture.index.files()
        #expect(files.count == 2)
        let first = try #require(files.first)
        #expect(try fixture.index.setFileOverride(fileId: first.id, aid: 4242, episode: "1", now: 1))
        let seriesId = try #require(first.seriesId)
        #expect(try fixture.index.setSeriesOverride(seriesId: seriesId, aid: 4242, now: 1))

        // Unplugged: the folder is gone.
        let away = fixture.root + ".away"
        try FileManager.default.moveItem(atPath: fixture.root, toPath: away)
        var report = try fixture.scanner.scan()
        #expect(report.removed == 0)
        #expect(report.offline == 2)
        #expect(report.summary.contains("2 offline"))
        #expect(try fixture.index.files().map(\.id) == files.map(\.id))
        #expect(try fixture.index.files().allSatisfy(\.offline))
        #expect(try fixture.index.overrides().files[first.id]?.aid == 4242)

        // An empty mount point (the disk is not mounted): the same.
        try FileManager.default.createDirectory(atPath: fixture.root, withIntermediateDirectories: true)
        report = try fixture.scanner.scan()
        #expect(report.removed == 0)
        #expect(report.offline == 2)
        #expect(report.problems.contains { $0.reason.contains("kept as offline") })

        // Back: online again, same ids, overrides intact.
        try FileManager.default.removeItem(atPath: fixture.root)
        try FileManager.default.moveItem(atPath: away, toPath: fixture.root)
        report = try fixture.scanner.scan()
        #expect(report.unchanged == 2)
        #expect(report.offline == 0)
        let back = try fixture.index.files()
        #expect(back.map(\.id) == files.map(\.id))
        #expect(back.allSatisfy { !$0.offline })
        #expect(try fixture.index.overrides().files[first.id]?.aid == 4242)
        #expect(try fixture.index.overrides().series.count == 1)
    }

    @Test("a media folder said not to answer is not walked: its files are kept offline, what changed there waits")
    func unansweringRootIsLeftOut() throws {
        let fixture = try Fixture()
        try fixture.write("Show/[G] Show - 01.mkv", "one")
        try fixture.write("Show/[G] Show - 02.mkv", "two")
        _ = try fixture.scanner.scan()
        // Meanwhile one file went and one came; the scan, told the folder does not answer (the root given with a
        // trailing slash, as a setting may have it), looks at none of it.
        try FileManager.default.removeItem(atPath: fixture.root + "/Show/[G] Show - 02.mkv")
        try fixture.write("Show/[G] Show - 03.mkv", "three")
        let scanner = LibraryScanner(index: fixture.index, roots: [fixture.root + "/"])
        var report = try scanner.scan(unanswering: [fixture.root + "/"])
        #expect(report.found == 0 && report.added == 0 && report.removed == 0 && report.offline == 2, "\(report)")
        #expect(report.problems == [ScanProblem(path: fixture.root, reason: "folder did not answer; not scanned, its files are kept as offline")])
        #expect(report.summary.contains("2 offline (folder unreadable, empty or not answering; kept)"))
        #expect(try fixture.index.files().count == 2 && fixture.index.files().allSatisfy(\.offline))
        // Answering again: the changes are seen.
        report = try scanner.scan()
        #expect(report.added == 1 && report.removed == 1 && report.unchanged == 1 && report.offline == 0, "\(report)")
        #expect(try fixture.index.files().allSatisfy { !$0.offline })
    }

    @Test("a linked folder whose disk is gone keeps its files; a folder that is read and lacks a file removes it")
    func unreachableSubfolder() throws {
        let fixture = try Fixture()
        let disk = fixture.root + "-disk"
        try FileManager.default.createDirectory(atPath: disk + "/Show", withIntermediateDirectories: true)
        try Data("one".utf8).write(to: URL(fileURLWithPath: disk + "/Show/[G] Show - 01.mkv"))
        #expect(symlink(disk + "/Show", fixture.root + "/A") == 0)
        try fixture.write("B/[G] Other - 01.mkv", "other")
        try fixture.write("B/[G] Other - 02.mkv", "other two")
        #expect(try fixture.scanner.scan().added == 3)
        try FileManager.default.moveItem(atPath: disk, toPath: disk + ".away")
        try FileManager.default.removeItem(atPath: fixture.root + "/B/[G] Other - 02.mkv")
        let report = try fixture.scanner.scan()
        #expect(report.offline == 1)
        #expect(report.removed == 1)
        #expect(try fixture.index.files().filter(\.offline).map(\.title) == ["Show"])
    }

    @Test("file ids are never reused: a new file never takes the id of a removed one")
    func idsNotReused() throws {
        let fixture = try Fixture()
        try fixture.write("[G] Show - 01.mkv", "one")
        try fixture.write("[G] Show - 02.mkv", "two")
        _ = try fixture.scanner.scan()
        let highest = try #require(try fixture.index.files().map(\.id).max())
        let removedPath = try #require(try fixture.index.files().first { $0.id == highest }?.path)
        try FileManager.default.removeItem(atPath: removedPath)
        #expect(try fixture.scanner.scan().removed == 1)
        try fixture.write("[G] New Show - 01.mkv", "new")
        _ = try fixture.scanner.scan()
        let fresh = try #require(try fixture.index.files().first { $0.title == "New Show" })
        #expect(fresh.id > highest)
    }
}
