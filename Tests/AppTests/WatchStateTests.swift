import Accounts
import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Library
import NIOCore
import Testing

@testable import App

/// Per-user watch state over real sockets: progress, watched marks, "continue watching", and state that follows
/// the episode through rescans, moves and a better release.
@Suite("watch state")
struct WatchStateTests {
    static let frieren = 17617
    static let bebop = 23

    /// Two series on disk, scanned; their files matched to two anime (as the matcher or a person would).
    struct Setup {
        var media: String
        var database: AppDatabase
        var accounts: TestAccounts
        var files: [String: Int64]
    }

    /// Scans off Swift's cooperative threads (the server under test needs them).
    static func setup() async throws -> Setup {
        try await RawSocket.offPool { try blockingSetup() }
    }

    static func blockingSetup() throws -> Setup {
        let media = NSTemporaryDirectory() + "anikura-watch-" + UUID().uuidString
        for (folder, name) in [
            ("Frieren", "[SubsPlease] Sousou no Frieren - 01 (1080p).mkv"),
            ("Frieren", "[SubsPlease] Sousou no Frieren - 02 (1080p).mkv"),
            ("Frieren", "[SubsPlease] Sousou no Frieren - 03 (1080p).mkv"),
            ("Bebop", "[Grp] Cowboy Bebop - 01 (720p).mkv"),
            ("Bebop", "[Grp] Cowboy Bebop - 02 (720p).mkv"),
        ] {
            try FileManager.default.createDirectory(atPath: media + "/" + folder, withIntermediateDirectories: true)
            try Data("\(name) \(UUID())".utf8).write(to: URL(fileURLWithPath: media + "/" + folder + "/" + name))
        }
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        _ = try LibraryScanner(index: LibraryIndex(writer: database.writer), roots: [media]).scan()
        let files = try Self.matchAll(database)
        return Setup(media: media, database: database, accounts: accounts, files: files)
    }

    /// Matches every file by its parsed title and episode; returns file ids by "frieren-01"-style names.
    @discardableResult
    static func matchAll(_ database: AppDatabase) throws -> [String: Int64] {
        let index = LibraryIndex(writer: database.writer)
        var ids: [String: Int64] = [:]
        var matches: [FileMatch] = []
        for file in try index.files() {
            let isFrieren = file.path.contains("Frieren")
            let episode = String(Int(file.episode ?? "0") ?? 0)
            ids[(isFrieren ? "frieren-" : "bebop-") + episode] = file.id
            matches.append(
                FileMatch(
                    fileId: file.id,
                    path: file.path,
                    aid: isFrieren ? frieren : bebop,
                    episode: episode,
                    confidence: 1,
                    source: .file,
                    applied: true,
                    candidates: [],
                    note: nil
                )
            )
        }
        try index.saveMatches(matches, replaceAll: true, now: 0)
        // As the matcher does when it is done: no matching is left to resume when the server starts.
        try index.finishedMatching(startedAt: Date().timeIntervalSince1970 + 1)
        return ids
    }

    static func send(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ key: String,
        body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: uri, method: method, headers: TestAccounts.bearer(key), body: body.map { ByteBuffer(string: $0) }) {
            ($0.status, (try? $0.json()) ?? [:])
        }
    }

    static func progress(_ position: Double, _ duration: Double = 1440) -> String {
        #"{"position": \#(position), "duration": \#(duration)}"#
    }

    static func continueList(_ client: some TestClientProtocol, _ key: String) async throws -> [String] {
        let (_, json) = try await send(client, .get, "/api/me/continue", key)
        return (json["items"] as? [[String: Any]] ?? []).map { item in
            "\(item["kind"] ?? "?") \(item["aid"] ?? "?"):\(item["episode"] ?? "?")"
        }
    }

    @Test("progress round trip: recorded, read back, watched past 90 %, bad input refused, and each user's own")
    func roundTrip() async throws {
        let setup = try await Self.setup()
        let app = try await TestApp.build(database: setup.database)
        let viewer = setup.accounts.viewerKey
        let file = try #require(setup.files["frieren-1"])
        try await app.test(.live) { client in
            let (fresh, none) = try await Self.send(client, .get, "/api/me/progress/\(file)", viewer)
            #expect(fresh == .ok && none["position"] as? Double == 0 && none["watched"] as? Bool == false)
            let (status, saved) = try await Self.send(client, .put, "/api/me/progress/\(file)", viewer, body: Self.progress(300))
            #expect(status == .ok && saved["position"] as? Double == 300 && saved["watched"] as? Bool == false)
            #expect(saved["aid"] as? Int == Self.frieren && saved["episode"] as? String == "1")
            let (_, read) = try await Self.send(client, .get, "/api/me/progress/\(file)", viewer)
            #expect(read["position"] as? Double == 300 && read["duration"] as? Double == 1440)
            let (_, done) = try await Self.send(client, .put, "/api/me/progress/\(file)", viewer, body: Self.progress(1300))
            #expect(done["watched"] as? Bool == true, "1300 of 1440 s is past 90 %")
            // sendBeacon can only POST: the same report by POST.
            let (beacon, _) = try await Self.send(client, .post, "/api/me/progress/\(file)", viewer, body: Self.progress(20))
            #expect(beacon == .ok)
            // The admin's state is their own.
            let (_, admins) = try await Self.send(client, .get, "/api/me/progress/\(file)", setup.accounts.adminKey)
            #expect(admins["position"] as? Double == 0)
            for bad in [Self.progress(-1), Self.progress(5000), #"{"position": "x"}"#, "not json"] {
                #expect(try await Self.send(client, .put, "/api/me/progress/\(file)", viewer, body: bad).0 == .badRequest, "\(bad)")
            }
            #expect(try await Self.send(client, .put, "/api/me/progress/999999", viewer, body: Self.progress(1)).0 == .notFound)
            #expect(try await Self.send(client, .get, "/api/me/progress/999999", viewer).0 == .notFound)
        }
    }

    @Test("continue watching: episodes in progress and the next episode of finished ones, newest first")
    func continueOrder() async throws {
        let setup = try await Self.setup()
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let app = try await TestApp.build(clock: clock, database: setup.database)
        let viewer = setup.accounts.viewerKey
        let files = setup.files
        try await app.test(.live) { client in
            #expect(try await Self.continueList(client, viewer).isEmpty)
            _ = try await Self.send(client, .put, "/api/me/progress/\(files["frieren-1"]!)", viewer, body: Self.progress(1400))
            clock.advance(by: 60)
            _ = try await Self.send(client, .put, "/api/me/progress/\(files["bebop-1"]!)", viewer, body: Self.progress(600))
            #expect(try await Self.continueList(client, viewer) == ["resume \(Self.bebop):1", "next \(Self.frieren):2"])

            // Starting Frieren 2 replaces its "next up" with a resume, now the newest.
            clock.advance(by: 60)
            _ = try await Self.send(client, .put, "/api/me/progress/\(files["frieren-2"]!)", viewer, body: Self.progress(100))
            #expect(try await Self.continueList(client, viewer) == ["resume \(Self.frieren):2", "resume \(Self.bebop):1"])

            // Marked watched by hand: episode 3 is next.
            clock.advance(by: 60)
            #expect(try await Self.send(client, .post, "/api/me/watched/\(files["frieren-2"]!)", viewer).0 == .ok)
            #expect(try await Self.continueList(client, viewer) == ["next \(Self.frieren):3", "resume \(Self.bebop):1"])

            // The whole series watched: nothing left of it to continue; unwatched again: nothing either.
            let (status, series) = try await Self.send(client, .post, "/api/me/watched/series/\(Self.frieren)", viewer)
            #expect(status == .ok && series["files"] as? Int == 3)
            #expect(try await Self.continueList(client, viewer) == ["resume \(Self.bebop):1"])
            #expect(try await Self.send(client, .delete, "/api/me/watched/series/\(Self.frieren)", viewer).0 == .ok)
            let (_, first) = try await Self.send(client, .get, "/api/me/progress/\(files["frieren-1"]!)", viewer)
            #expect(first["watched"] as? Bool == false)
            #expect(try await Self.send(client, .post, "/api/me/watched/series/999", viewer).0 == .notFound)
            // Another user sees none of it.
            #expect(try await Self.continueList(client, setup.accounts.adminKey).isEmpty)
        }
    }

    @Test("watch state follows the file through a move and a rescan, and passes to a better release of the same episode")
    func followsTheEpisode() async throws {
        let setup = try await Self.setup()
        let app = try await TestApp.build(database: setup.database)
        let viewer = setup.accounts.viewerKey
        let frieren = try #require(setup.files["frieren-1"])
        let bebop = try #require(setup.files["bebop-2"])
        try await app.test(.live) { client in
            _ = try await Self.send(client, .put, "/api/me/progress/\(frieren)", viewer, body: Self.progress(321))
            _ = try await Self.send(client, .put, "/api/me/progress/\(bebop)", viewer, body: Self.progress(654))
        }
        // Frieren moves to another folder; Bebop 2 is replaced by a Blu-ray release (a new file).
        let fileManager = FileManager.default
        try fileManager.createDirectory(atPath: setup.media + "/Anime/Frieren", withIntermediateDirectories: true)
        try fileManager.moveItem(
            atPath: setup.media + "/Frieren/[SubsPlease] Sousou no Frieren - 01 (1080p).mkv",
            toPath: setup.media + "/Anime/Frieren/Frieren - 01.mkv"
        )
        try fileManager.removeItem(atPath: setup.media + "/Bebop/[Grp] Cowboy Bebop - 02 (720p).mkv")
        try Data("better".utf8).write(to: URL(fileURLWithPath: setup.media + "/Bebop/[BD] Cowboy Bebop - 02 (1080p).mkv"))
        let database = setup.database
        let media = setup.media
        let files = try await RawSocket.offPool {
            _ = try LibraryScanner(index: LibraryIndex(writer: database.writer), roots: [media]).scan()
            return try Self.matchAll(database)
        }
        #expect(files["frieren-1"] == frieren, "a move keeps the file id")
        let better = try #require(files["bebop-2"])
        #expect(better != bebop)
        let again = try await TestApp.build(database: setup.database)
        try await again.test(.live) { client in
            let (_, moved) = try await Self.send(client, .get, "/api/me/progress/\(frieren)", viewer)
            #expect(moved["position"] as? Double == 321)
            let (_, replaced) = try await Self.send(client, .get, "/api/me/progress/\(better)", viewer)
            #expect(replaced["position"] as? Double == 654, "the episode's state, on its new file")
            // "Continue watching" offers the file that is there now.
            let (_, list) = try await Self.send(client, .get, "/api/me/continue", viewer)
            let ids = (list["items"] as? [[String: Any]] ?? []).compactMap { $0["fileId"] as? Int }
            #expect(Set(ids) == [Int(frieren), Int(better)])
        }
    }

    @Test("watch state kept with no users goes to the first user; a removed user's goes with them")
    func openInstallState() async throws {
        let setup = try await Self.setup()
        let database = try TestApp.seededDatabase()
        let media = setup.media
        let files = try await RawSocket.offPool {
            _ = try LibraryScanner(index: LibraryIndex(writer: database.writer), roots: [media]).scan()
            return try Self.matchAll(database)
        }
        let file = try #require(files["frieren-1"])
        let watch = WatchStateStore(writer: database.writer)
        _ = try await watch.record(userId: 0, fileId: file, position: 77, duration: 1440, now: 1)
        let users = UserStore(writer: database.writer, cost: 4)
        let first = try users.add(name: "first", role: .admin, password: "a long password", now: 2)
        let firstId = try #require(first.id)
        #expect(try await watch.progress(userId: firstId, fileId: file)?.position == 77)
        #expect(try await watch.progress(userId: 0, fileId: file) == nil)
        let second = try users.add(name: "second", role: .viewer, password: "a long password", now: 3)
        _ = try await watch.record(userId: try #require(second.id), fileId: file, position: 5, duration: 1440, now: 4)
        try users.remove(name: "second")
        #expect(try await watch.continueWatching(userId: try #require(second.id)).isEmpty)
        #expect(throws: AccountError.lastAdmin("first")) {
            _ = try users.add(name: "third", role: .viewer, password: "a long password", now: 5)
            try users.remove(name: "first")
        }
    }
}
