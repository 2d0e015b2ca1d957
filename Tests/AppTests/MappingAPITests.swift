import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// The community mapping through the whole app: downloaded at start from a fake of GitHub's raw host, used by the
/// matcher on a Sonarr-named library, looked up, exported for Kometa, corrected by an admin and undone.
@Suite("community mapping over HTTP")
struct MappingAPITests {
    static let library = [
        "Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13 - Episode Title [WEBDL-1080p].mkv",
        "Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E14 - Episode Title [WEBDL-1080p].mkv",
        "Haikyuu!! (2014) [tvdbid-278157]/Season 2/Haikyuu!! S02E01.mkv",
        "Your Name. (2016) {tmdb-372058}/Your Name. (2016) {tmdb-372058} [Bluray-1080p].mkv",
    ]

    struct Running {
        let fake: FakeAniDB
        let host: FakeFileHost
        let environment: [String: String]
    }

    static func start() async throws -> Running {
        let fake = try await FakeAniDB.start()
        fake.setTitles(MatchAPITests.titles2015)
        let host = try await FakeFileHost.start()
        host.put("anime-list-master.xml", MappingDownloadTests.list)
        host.put("anime_ids.json", MappingDownloadTests.ids)
        let media = try MatchAPITests.media(library)
        let environment = UpstreamTests.environment(
            fake,
            [
                "ANIKURA_LIBRARY_MEDIA_DIRS": media,
                "ANIKURA_MIRROR_MAPPING_URL": host.url("anime-list-master.xml"),
                "ANIKURA_MIRROR_IDS_URL": host.url("anime_ids.json"),
            ]
        )
        return Running(fake: fake, host: host, environment: environment)
    }

    static func object(_ value: Any?) -> [String: Any] { value as? [String: Any] ?? [:] }

    /// Waits for both files to be kept (the downloader runs as the app starts).
    static func awaitMapping(_ client: some TestClientProtocol, headers: HTTPFields = [:]) async throws -> [String: Any] {
        for _ in 0..<500 {
            let status = try await client.execute(uri: "/api/mirror/status", method: .get, headers: headers) { response in
                try? JSONSerialization.jsonObject(with: Data(response.bytes))
            }
            let files = object(object(status)["mapping"])["files"] as? [[String: Any]] ?? []
            if files.count == 2, files.allSatisfy({ $0["kept"] as? Bool == true }) { return object(status) }
            try await Task.sleep(for: .milliseconds(20))
        }
        Issue.record("the mapping was not downloaded")
        return [:]
    }

    static func matches(_ client: some TestClientProtocol) async throws -> [String: [String: Any]] {
        let (_, listing) = try await MatchAPITests.json(client, "/api/matches")
        let list = object(listing)["matches"] as? [[String: Any]] ?? []
        return Dictionary(list.map { (($0["path"] as? String ?? "").components(separatedBy: "/").last ?? "", $0) }, uniquingKeysWith: { a, _ in a })
    }

    @Test("downloaded at start; Sonarr-named files matched through it; lookups, ids and Kometa's file answered")
    func endToEnd() async throws {
        let running = try await Self.start()
        defer { running.host.stop() }
        let app = try await TestApp.build(environment: running.environment, database: try TestApp.seededDatabase())
        try await app.test(.live) { client in
            let status = try await Self.awaitMapping(client)
            let files = Self.object(status["mapping"])["files"] as? [[String: Any]] ?? []
            #expect(files.first { $0["file"] as? String == "anime-list-master.xml" }?["entries"] as? Int == 299)
            #expect(running.host.requests.count == 2)
            #expect(running.fake.animeRequests.isEmpty, "AniDB's budget is not touched by the mapping")

            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            _ = try await MatchAPITests.runJob("/api/matches/auto", client: client)
            let matches = try await Self.matches(client)
            let ten = try #require(matches["Durarara!! - S02E13 - Episode Title [WEBDL-1080p].mkv"])
            #expect(ten["aid"] as? Int == 10866 && ten["episode"] as? String == "1" && ten["method"] as? String == "tag")
            #expect(Self.object(ten["numbering"])["summary"] as? String == "TVDB S02E13 → Durarara!!x2 Ten, episode 1 (anime-lists)")
            #expect(matches["Haikyuu!! S02E01.mkv"]?["aid"] as? Int == 10981)
            #expect(matches["Your Name. (2016) {tmdb-372058} [Bluray-1080p].mkv"]?["aid"] as? Int == 11829)

            // The series page says how, in both numberings, and carries the ids.
            let (_, page) = try await MatchAPITests.json(client, "/api/series/10866")
            let pageFiles = Self.object(page)["files"] as? [[String: Any]] ?? []
            #expect(pageFiles.first?["numbering"] as? String == "TVDB S02E13 → Durarara!!x2 Ten, episode 1 (anime-lists)")
            #expect(pageFiles.first?["method"] as? String == "tag")
            let ids = Self.object(Self.object(page)["ids"])
            #expect(Self.object(ids["tvdb"])["id"] as? Int == 133341 && Self.object(ids["tvdb"])["offset"] as? Int == 12)
            #expect(ids["mal"] as? [Int] == [27831] && ids["anilist"] as? [Int] == [20879])

            // /api/anime/{aid} (a seeded document) carries them too.
            let (_, anime) = try await MatchAPITests.json(client, "/api/anime/10145")
            #expect(Self.object(Self.object(Self.object(anime)["ids"])["tvdb"])["id"] as? Int == 278157)
            #expect(Self.object(anime)["titles"] != nil, "the record is still all there")

            // Lookups from every id.
            let (found, lookup) = try await MatchAPITests.json(client, "/api/lookup?tvdb=133341&season=2&episode=13")
            #expect(found == .ok)
            let first = (Self.object(lookup)["results"] as? [[String: Any]])?.first ?? [:]
            #expect(first["aid"] as? Int == 10866 && first["episode"] as? String == "1" && first["source"] as? String == "anime-lists")
            #expect(Self.object(lookup)["query"] as? String == "TVDB 133341 S02E13")
            let (_, tmdb) = try await MatchAPITests.json(client, "/api/lookup?tmdb=65942&season=1&episode=30")
            #expect((Self.object(tmdb)["results"] as? [[String: Any]])?.first?["aid"] as? Int == 14792)
            let (_, movie) = try await MatchAPITests.json(client, "/api/lookup?tmdb=372058")
            #expect((Self.object(movie)["results"] as? [[String: Any]])?.first?["aid"] as? Int == 11829)
            let (_, imdb) = try await MatchAPITests.json(client, "/api/lookup?imdb=tt5311514")
            #expect((Self.object(imdb)["results"] as? [[String: Any]])?.first?["aid"] as? Int == 11829)
            let (_, mal) = try await MatchAPITests.json(client, "/api/lookup?mal=27831")
            #expect((Self.object(mal)["results"] as? [[String: Any]])?.first?["aid"] as? Int == 10866)
            let (_, anilist) = try await MatchAPITests.json(client, "/api/lookup?anilist=20879")
            #expect((Self.object(anilist)["results"] as? [[String: Any]])?.first?["aid"] as? Int == 10866)
            let (_, absolute) = try await MatchAPITests.json(client, "/api/lookup?tvdb=81797&episode=1000")
            #expect((Self.object(absolute)["results"] as? [[String: Any]])?.first?["episode"] as? String == "1000")
            let (missing, nothing) = try await MatchAPITests.json(client, "/api/lookup?tvdb=133341&season=9&episode=1")
            #expect(
                missing == .notFound
                    && Self.object(Self.object(nothing)["error"])["message"] as? String == "TVDB 133341 S09E01 is not in the mapping."
            )
            let (bad, _) = try await MatchAPITests.json(client, "/api/lookup?tvdb=abc")
            #expect(bad == .badRequest)
            let (none, _) = try await MatchAPITests.json(client, "/api/lookup")
            #expect(none == .badRequest)

            // Kometa's file: the shape Kometa reads.
            try await client.execute(uri: "/api/kometa/anime_ids.json", method: .get) { response in
                #expect(response.status == .ok && response.headers[.contentType] == "application/json")
                let json = try #require(try JSONSerialization.jsonObject(with: Data(response.bytes)) as? [String: [String: Any]])
                #expect(json.count == 299)
                let entry = try #require(json["10866"])
                #expect(entry["tvdb_id"] as? Int == 133341 && entry["tvdb_season"] as? Int == 2 && entry["tvdb_epoffset"] as? Int == 12)
                #expect(entry["mal_id"] as? Int == 27831 && entry["anilist_id"] as? Int == 20879 && entry["tmdb_show_id"] as? Int == 42410)
                #expect(json["69"]?["tvdb_season"] as? Int == -1)
                #expect(json["11829"]?["imdb_id"] as? String == "tt5311514" && json["11829"]?["tmdb_movie_id"] as? Int == 372058)
            }
        }
    }

    @Test("an admin's correction re-matches the files, survives a new download, and is undone")
    func correction() async throws {
        let running = try await Self.start()
        defer { running.host.stop() }
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let app = try await TestApp.build(environment: running.environment, clock: clock)
        try await app.test(.live) { client in
            _ = try await Self.awaitMapping(client)
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            _ = try await MatchAPITests.runJob("/api/matches/auto", client: client)
            var matches = try await Self.matches(client)
            #expect(matches["Durarara!! - S02E14 - Episode Title [WEBDL-1080p].mkv"]?["aid"] as? Int == 10866)
            // Say Ten starts one episode later in TVDB season 2: S02E14 is then its first episode, S02E13 Shou's last.
            let (status, answer) = try await MatchAPITests.json(
                client,
                "/api/anime/10866/mapping",
                method: .put,
                body: #"{"tvdb_offset": 13}"#
            )
            #expect(status == .ok, "\(String(describing: answer))")
            let mapping = Self.object(Self.object(answer)["mapping"])
            #expect(Self.object(mapping["correction"])["tvdbOffset"] as? Int == 13)
            #expect(Self.object(Self.object(mapping["ids"])["tvdb"])["source"] as? String == "correction")
            let job = try #require(Self.object(answer)["job"] as? String)
            let port = try #require(client.port)
            _ = try await TestApp.jobEvents(port: port, job: job)
            matches = try await Self.matches(client)
            let fourteen = try #require(matches["Durarara!! - S02E14 - Episode Title [WEBDL-1080p].mkv"])
            #expect(fourteen["aid"] as? Int == 10866 && fourteen["episode"] as? String == "1")
            #expect(Self.object(fourteen["numbering"])["source"] as? String == "correction")
            #expect(matches["Durarara!! - S02E13 - Episode Title [WEBDL-1080p].mkv"]?["aid"] as? Int == 10523)
            // A day on, a new download: the correction stays.
            running.host.put("anime-list-master.xml", MappingDownloadTests.list + Array("\n".utf8))
            clock.advance(by: 86_400)
            for _ in 0..<250 where running.host.requests.count < 4 { try await Task.sleep(for: .milliseconds(20)) }
            #expect(running.host.requests.count >= 3)
            let (_, lookup) = try await MatchAPITests.json(client, "/api/lookup?tvdb=133341&season=2&episode=14")
            #expect((Self.object(lookup)["results"] as? [[String: Any]])?.first?["aid"] as? Int == 10866)
            // Bad corrections are refused with a sentence; nothing changes.
            let (refused, why) = try await MatchAPITests.json(client, "/api/anime/10866/mapping", method: .put, body: #"{"tvdb_offset": 99999999}"#)
            #expect(refused == .unprocessableContent)
            #expect(Self.object(Self.object(why)["error"])["message"] as? String == "tvdb_offset 99999999 is not within ±20000")
            let (empty, _) = try await MatchAPITests.json(client, "/api/anime/10866/mapping", method: .put, body: "{}")
            #expect(empty == .unprocessableContent)
            // Undone: the files go back.
            let (undone, undoAnswer) = try await MatchAPITests.json(client, "/api/anime/10866/mapping", method: .delete)
            #expect(undone == .ok)
            _ = try await TestApp.jobEvents(port: port, job: try #require(Self.object(undoAnswer)["job"] as? String))
            matches = try await Self.matches(client)
            #expect(matches["Durarara!! - S02E13 - Episode Title [WEBDL-1080p].mkv"]?["aid"] as? Int == 10866)
            let (again, _) = try await MatchAPITests.json(client, "/api/anime/10866/mapping", method: .delete)
            #expect(again == .notFound)
        }
    }
}
