import Foundation
import GRDB
import Testing

@testable import Library

/// `LibraryScanner.scan(paths:gone:)`: what the watcher and the webhooks ask for. Only the named paths change, and
/// they change exactly as a whole scan would change them.
@Suite("targeted scans")
struct TargetedScanTests {
    typealias Fixture = LibraryScannerTests.Fixture

    func paths(_ fixture: Fixture) throws -> [String] {
        try fixture.index.files().map { String($0.path.dropFirst(fixture.root.count + 1)) }.sorted()
    }

    @Test("a new file, a deleted one and a renamed one: only the named paths are looked at")
    func onlyTheNamedPaths() throws {
        let fixture = try Fixture()
        try fixture.write("A/[G] Alpha - 01.mkv", "a1")
        try fixture.write("B/[G] Beta - 01.mkv", "b1")
        _ = try fixture.scanner.scan()
        // Changes in both folders, but only A is named: B's new file stays unknown until B is named.
        try fixture.write("A/[G] Alpha - 02.mkv", "a2")
        try fixture.write("B/[G] Beta - 02.mkv", "b2")
        var report = try fixture.scanner.scan(paths: [fixture.root + "/A/[G] Alpha - 02.mkv"])
        #expect(report.added == 1 && report.found == 1)
        #expect(try paths(fixture) == ["A/[G] Alpha - 01.mkv", "A/[G] Alpha - 02.mkv", "B/[G] Beta - 01.mkv"])

        // A rename: the old and the new name, one file moved (same id).
        let before = try #require(try fixture.index.files().first { $0.path.hasSuffix("Alpha - 01.mkv") })
        try FileManager.default.moveItem(atPath: fixture.root + "/A/[G] Alpha - 01.mkv", toPath: fixture.root + "/A/[G] Alpha - 01v2.mkv")
        report = try fixture.scanner.scan(
            paths: [fixture.root + "/A/[G] Alpha - 01.mkv", fixture.root + "/A/[G] Alpha - 01v2.mkv"],
            gone: [fixture.root + "/A/[G] Alpha - 01.mkv"]
        )
        #expect(report.moved == 1 && report.added == 0 && report.removed == 0)
        let after = try #require(try fixture.index.files().first { $0.path.hasSuffix("Alpha - 01v2.mkv") })
        #expect(after.id == before.id)

        // A deletion of a named file.
        try FileManager.default.removeItem(atPath: fixture.root + "/A/[G] Alpha - 02.mkv")
        report = try fixture.scanner.scan(paths: [fixture.root + "/A/[G] Alpha - 02.mkv"], gone: [fixture.root + "/A/[G] Alpha - 02.mkv"])
        #expect(report.removed == 1)
        #expect(try paths(fixture) == ["A/[G] Alpha - 01v2.mkv", "B/[G] Beta - 01.mkv"])
    }

    @Test("a folder moved out and another moved in; a path outside the media folders is refused")
    func foldersMoved() throws {
        let fixture = try Fixture()
        try fixture.write("Old/[G] Gamma - 01.mkv", "g1")
        try fixture.write("Old/[G] Gamma - 02.mkv", "g2")
        _ = try fixture.scanner.scan()
        let outside = NSTemporaryDirectory() + "anikura-outside-" + UUID().uuidString
        try FileManager.default.moveItem(atPath: fixture.root + "/Old", toPath: outside)
        var report = try fixture.scanner.scan(paths: [fixture.root + "/Old"], gone: [fixture.root + "/Old"])
        #expect(report.removed == 2)
        #expect(try fixture.index.files().isEmpty)

        try FileManager.default.moveItem(atPath: outside, toPath: fixture.root + "/New")
        report = try fixture.scanner.scan(paths: [fixture.root + "/New", fixture.root + "/New/[G] Gamma - 01.mkv"])
        #expect(report.added == 2 && report.found == 2, "the file inside the named folder is scanned once")

        report = try fixture.scanner.scan(paths: ["/elsewhere/x.mkv"])
        #expect(report.problems.map(\.reason) == ["not inside a media folder"])
    }

    @Test("paths in a media folder said not to answer are not looked at: its files are kept offline, a deletion still counts")
    func unansweringRoot() throws {
        let fixture = try Fixture()
        try fixture.write("Show/[G] Eta - 01.mkv", "e1")
        try fixture.write("Show/[G] Eta - 02.mkv", "e2")
        _ = try fixture.scanner.scan()
        try fixture.write("Show/[G] Eta - 03.mkv", "e3")
        var report = try fixture.scanner.scan(
            paths: [fixture.root + "/Show/[G] Eta - 01.mkv", fixture.root + "/Show/[G] Eta - 03.mkv"],
            unanswering: [fixture.root + "/"]
        )
        #expect(report.found == 0 && report.added == 0 && report.offline == 1, "\(report)")
        #expect(report.problems == [ScanProblem(path: fixture.root, reason: LibraryScanner.unansweringReason)], "said once")
        #expect(try fixture.index.files().filter(\.offline).map(\.path) == [fixture.root + "/Show/[G] Eta - 01.mkv"])
        // Sonarr said this one was deleted: it is gone whether or not the folder answers.
        report = try fixture.scanner.scan(
            paths: [fixture.root + "/Show/[G] Eta - 02.mkv"],
            gone: [fixture.root + "/Show/[G] Eta - 02.mkv"],
            unanswering: [fixture.root]
        )
        #expect(report.removed == 1, "\(report)")
        // Answering again, the same paths are brought up to date.
        report = try fixture.scanner.scan(paths: [fixture.root + "/Show/[G] Eta - 01.mkv", fixture.root + "/Show/[G] Eta - 03.mkv"])
        #expect(report.added == 1 && report.unchanged == 1 && report.offline == 0, "\(report)")
        #expect(try paths(fixture) == ["Show/[G] Eta - 01.mkv", "Show/[G] Eta - 03.mkv"])
        #expect(try fixture.index.files().allSatisfy { !$0.offline })
    }

    @Test("a folder left empty keeps its files offline, unless the kernel or Sonarr said they were deleted")
    func emptyFolder() throws {
        let fixture = try Fixture()
        try fixture.write("Disk/Show/[G] Delta - 01.mkv", "d1")
        try fixture.write("Disk/Show/[G] Delta - 02.mkv", "d2")
        _ = try fixture.scanner.scan()
        // An unmounted disk: its mount point is empty; nothing says the files were deleted.
        try FileManager.default.removeItem(atPath: fixture.root + "/Disk/Show")
        var report = try fixture.scanner.scan(paths: [fixture.root + "/Disk/Show"])
        #expect(report.offline == 2 && report.removed == 0)
        #expect(try fixture.index.files().allSatisfy(\.offline))
        // Deleted for certain (IN_DELETE, Sonarr's EpisodeFileDelete): gone.
        report = try fixture.scanner.scan(paths: [fixture.root + "/Disk/Show"], gone: [fixture.root + "/Disk/Show"])
        #expect(report.removed == 2)
        #expect(try fixture.index.files().isEmpty)
    }

    @Test("a hint stays with its file through a rename")
    func hintsFollowTheFile() throws {
        let fixture = try Fixture()
        try fixture.write("Show/Show - S02E13.mkv", "x")
        _ = try fixture.scanner.scan(paths: [fixture.root + "/Show"])
        let hint = FileHint(source: "sonarr", tvdb: 133341, season: 2, episodes: [13])
        try fixture.index.saveHints([fixture.root + "/Show/Show - S02E13.mkv": hint])
        try FileManager.default.moveItem(atPath: fixture.root + "/Show/Show - S02E13.mkv", toPath: fixture.root + "/Show/Renamed.mkv")
        _ = try fixture.scanner.scan(paths: [fixture.root + "/Show/Show - S02E13.mkv", fixture.root + "/Show/Renamed.mkv"])
        let file = try #require(try fixture.index.files().first)
        #expect(file.path.hasSuffix("Renamed.mkv"))
        #expect(file.hint == hint)
        #expect(try fixture.index.files(under: [fixture.root + "/Show"]).count == 1)
        #expect(try fixture.index.files(under: [fixture.root + "/Sho"]).isEmpty, "a prefix of a name is not a folder")

        // A hint that comes before its file waits for the scan that finds it.
        let early = FileHint(source: "sonarr", tvdb: 133341, season: 2, episodes: [14])
        try fixture.index.saveHints([fixture.root + "/Show/Show - S02E14.mkv": early])
        try fixture.write("Show/Show - S02E14.mkv", "y")
        _ = try fixture.scanner.scan()
        #expect(try fixture.index.files().first { $0.path.hasSuffix("S02E14.mkv") }?.hint == early)
    }
}
