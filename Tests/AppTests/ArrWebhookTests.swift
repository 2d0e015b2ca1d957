import Accounts
import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Sonarr's and Radarr's webhook connections, with payloads shaped exactly as their sources build them (Sonarr's
/// and Radarr's `src/NzbDrone.Core/Notifications/Webhook/WebhookBase.cs` and the payload classes beside it:
/// `WebhookImportPayload.cs`, `WebhookRenamePayload.cs`, `WebhookEpisodeDeletePayload.cs`,
/// `WebhookSeriesDeletePayload.cs`, `WebhookMovieFileDeletePayload.cs`, `WebhookMovieDeletePayload.cs`,
/// `WebhookSeries.cs`, `WebhookEpisode.cs`, `WebhookEpisodeFile.cs`, `WebhookMovie.cs`, `WebhookMovieFile.cs`),
/// in Sonarr's own paths (`/tv/anime`, mapped by `[library.path_map]`).
@Suite("Sonarr and Radarr webhooks")
struct ArrWebhookTests {
    struct Running {
        let app: any ApplicationProtocol
        let media: String
        let accounts: TestAccounts
        let host: FakeFileHost
    }

    /// The app on a fresh media folder and the mapping; with `accounts`, users and keys (else an open install).
    static func start(accounts withAccounts: Bool = false) async throws -> Running {
        let running = try await MappingAPITests.start()
        let media = try MatchAPITests.media([])
        try FileManager.default.createDirectory(atPath: media, withIntermediateDirectories: true)
        let database = try TestApp.seededDatabase()
        let accounts =
            withAccounts ? try TestAccounts.add(to: database) : TestAccounts(adminKey: "", viewerKey: "", users: .init(writer: database.writer))
        var environment = running.environment
        environment["ANIKURA_LIBRARY_MEDIA_DIRS"] = media
        environment["ANIKURA_LIBRARY_PATH_MAP"] = "{ \"/tv/anime\" = \"\(media)/tv\", \"/movies\" = \"\(media)/movies\" }"
        let app = try await TestApp.build(environment: environment, database: database)
        return Running(app: app, media: media, accounts: accounts, host: running.host)
    }

    /// Sonarr's `Download` payload (`BuildOnDownloadPayload`): series, episodes, episodeFile, release, isUpgrade and,
    /// for an upgrade, deletedFiles.
    static func sonarrDownload(file: String, season: Int, episodes: [Int], replaced: [String] = []) -> String {
        var payload: [String: Any] = [
            "eventType": "Download",
            "instanceName": "Sonarr",
            "applicationUrl": "",
            "series": [
                "id": 7, "title": "Durarara!!", "titleSlug": "durarara", "path": "/tv/anime/Durarara!! (2010) {tvdb-133341}",
                "tvdbId": 133341, "tvMazeId": 1587, "tmdbId": 42410, "imdbId": "tt1675470", "type": "anime", "year": 2010,
                "genres": ["Action", "Anime"], "images": [], "tags": [],
            ] as [String: Any],
            "episodes": episodes.map { number in
                [
                    "id": 100 + number, "episodeNumber": number, "seasonNumber": season, "title": "Episode \(number)",
                    "airDate": "2015-04-04", "airDateUtc": "2015-04-03T15:30:00Z", "seriesId": 7, "tvdbId": 5_000_000 + number,
                ] as [String: Any]
            },
            "episodeFile": [
                "id": 55, "relativePath": String(file.split(separator: "/", maxSplits: 3).last ?? ""), "path": file,
                "quality": "WEBDL-1080p", "qualityVersion": 1, "releaseGroup": "SubsPlease", "sceneName": "",
                "size": 1_400_000_000, "dateAdded": "2026-12-07T09:00:00Z", "languages": "Japanese",
                "mediaInfo": [
                    "audioChannels": 2, "audioCodec": "AAC", "audioLanguages": ["jpn"], "height": 1080, "width": 1920,
                    "subtitles": ["eng"], "videoCodec": "h264", "videoDynamicRange": "", "videoDynamicRangeType": "",
                ] as [String: Any],
                "sourcePath": "/downloads/complete/x.mkv",
            ] as [String: Any],
            "release": [
                "quality": "WEBDL-1080p", "qualityVersion": 1, "releaseGroup": "SubsPlease", "releaseTitle": "x", "indexer": "Nyaa",
                "size": 1_400_000_000,
            ] as [String: Any],
            "isUpgrade": !replaced.isEmpty,
            "downloadClient": "qBittorrent",
            "downloadClientType": "qBittorrent",
            "downloadId": "ABCDEF",
            "customFormatInfo": ["customFormats": [], "customFormatScore": 0] as [String: Any],
        ]
        if !replaced.isEmpty {
            payload["deletedFiles"] = replaced.map {
                ["id": 54, "relativePath": "x", "path": $0, "quality": "HDTV-720p", "qualityVersion": 1, "size": 700_000_000, "recycleBinPath": ""]
                    as [String: Any]
            }
        }
        return json(payload)
    }

    static func json(_ object: [String: Any]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func post(
        _ client: some TestClientProtocol,
        _ uri: String,
        _ body: String,
        headers: HTTPFields
    ) async throws -> (status: HTTPResponse.Status, json: [String: Any], seconds: Double) {
        let started = Date()
        return try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
            let json = (try? JSONSerialization.jsonObject(with: Data(response.bytes))) as? [String: Any] ?? [:]
            return (response.status, json, Date().timeIntervalSince(started))
        }
    }

    /// Waits for a webhook's job and returns its result.
    static func finish(_ answer: [String: Any], client: some TestClientProtocol) async throws -> [String: Any] {
        let id = try #require(answer["job"] as? String)
        let (_, _, text) = try await TestApp.jobEvents(port: try #require(client.port), job: id)
        let data = try #require(text.components(separatedBy: "\n\n").filter { !$0.isEmpty }.last?.components(separatedBy: "data: ").last)
        let job = try JSONSerialization.jsonObject(with: Data(data.utf8)) as? [String: Any] ?? [:]
        #expect(job["state"] as? String == "done", "\(job)")
        return job["result"] as? [String: Any] ?? [:]
    }

    static func write(_ path: String, _ content: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("Sonarr: test, import, upgrade, rename, file and series deletion; other events ignored; each answered within a second")
    func sonarrEvents() async throws {
        let running = try await Self.start()
        defer { running.host.stop() }
        let key: HTTPFields = [:]
        try await running.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client, headers: key)
            // Sonarr's "Test" button (BuildTestPayload): a Windows path nobody has; 200, nothing done.
            let test =
                #"{"eventType":"Test","instanceName":"Sonarr","series":{"id":1,"title":"Test Title","path":"C:\\testpath","tvdbId":1234,"tags":["test-tag"]},"episodes":[{"id":123,"episodeNumber":1,"seasonNumber":1,"title":"Test title"}]}"#
            var answer = try await Self.post(client, "/api/hooks/sonarr", test, headers: key)
            #expect(answer.status == .ok && answer.json["accepted"] as? Bool == false)

            // An import whose name says nothing of the season: the payload's TVDB S02E13 places it (Durarara!!x2 Ten 1).
            let folder = running.media + "/tv/Durarara!! (2010) {tvdb-133341}/Season 02"
            try Self.write(folder + "/DRRR - 13 [SubsPlease].mkv", "ten-1")
            answer = try await Self.post(
                client,
                "/api/hooks/sonarr",
                Self.sonarrDownload(
                    file: "/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/DRRR - 13 [SubsPlease].mkv",
                    season: 2,
                    episodes: [13]
                ),
                headers: key
            )
            #expect(answer.status == .accepted, "\(answer)")
            var result = try await Self.finish(answer.json, client: client)
            #expect(MappingAPITests.object(result["scan"])["added"] as? Int == 1)
            var matches = try await MappingAPITests.matches(client)
            let imported = try #require(matches["DRRR - 13 [SubsPlease].mkv"])
            #expect(imported["aid"] as? Int == 10866 && imported["episode"] as? String == "1" && imported["applied"] as? Bool == true)
            #expect((imported["note"] as? String ?? "").contains("as Sonarr imported it"))
            let id = try #require(imported["fileId"] as? Int)

            // An upgrade: the new file in, the old one (deletedFiles) out.
            try FileManager.default.removeItem(atPath: folder + "/DRRR - 13 [SubsPlease].mkv")
            try Self.write(folder + "/DRRR - 13 [Better].mkv", "ten-1-better")
            answer = try await Self.post(
                client,
                "/api/hooks/sonarr",
                Self.sonarrDownload(
                    file: "/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/DRRR - 13 [Better].mkv",
                    season: 2,
                    episodes: [13],
                    replaced: ["/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/DRRR - 13 [SubsPlease].mkv"]
                ),
                headers: key
            )
            result = try await Self.finish(answer.json, client: client)
            let scan = MappingAPITests.object(result["scan"])
            #expect(scan["added"] as? Int == 1 && scan["removed"] as? Int == 1, "\(scan)")
            matches = try await MappingAPITests.matches(client)
            #expect(matches["DRRR - 13 [SubsPlease].mkv"] == nil && matches["DRRR - 13 [Better].mkv"]?["aid"] as? Int == 10866)

            // A rename (WebhookRenamedEpisodeFile: path and previousPath): the same file, its id and match kept.
            let better = try #require(matches["DRRR - 13 [Better].mkv"]?["fileId"] as? Int)
            #expect(better != id)
            try FileManager.default.moveItem(atPath: folder + "/DRRR - 13 [Better].mkv", toPath: folder + "/Durarara!! - S02E13.mkv")
            let rename = Self.json([
                "eventType": "Rename", "instanceName": "Sonarr",
                "series": ["id": 7, "title": "Durarara!!", "path": "/tv/anime/Durarara!! (2010) {tvdb-133341}", "tvdbId": 133341] as [String: Any],
                "renamedEpisodeFiles": [
                    [
                        "id": 56, "relativePath": "Season 02/Durarara!! - S02E13.mkv",
                        "path": "/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13.mkv",
                        "previousRelativePath": "Season 02/DRRR - 13 [Better].mkv",
                        "previousPath": "/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/DRRR - 13 [Better].mkv",
                        "quality": "WEBDL-1080p", "qualityVersion": 1, "size": 12,
                    ] as [String: Any]
                ],
            ])
            answer = try await Self.post(client, "/api/hooks/sonarr", rename, headers: key)
            result = try await Self.finish(answer.json, client: client)
            #expect(MappingAPITests.object(result["scan"])["moved"] as? Int == 1)
            matches = try await MappingAPITests.matches(client)
            #expect(matches["Durarara!! - S02E13.mkv"]?["fileId"] as? Int == better)
            #expect(matches["Durarara!! - S02E13.mkv"]?["aid"] as? Int == 10866)

            // EpisodeFileDelete (WebhookEpisodeDeletePayload): gone.
            try FileManager.default.removeItem(atPath: folder + "/Durarara!! - S02E13.mkv")
            try Self.write(folder + "/Durarara!! - S02E14.mkv", "ten-2")
            _ = try await Self.finish(
                try await Self.post(
                    client,
                    "/api/hooks/sonarr",
                    Self.sonarrDownload(
                        file: "/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E14.mkv",
                        season: 2,
                        episodes: [14]
                    ),
                    headers: key
                ).json,
                client: client
            )
            let delete = Self.json([
                "eventType": "EpisodeFileDelete", "instanceName": "Sonarr",
                "series": ["id": 7, "title": "Durarara!!", "path": "/tv/anime/Durarara!! (2010) {tvdb-133341}", "tvdbId": 133341] as [String: Any],
                "episodes": [["id": 113, "episodeNumber": 13, "seasonNumber": 2, "title": "x"] as [String: Any]],
                "episodeFile": [
                    "id": 56, "relativePath": "Season 02/Durarara!! - S02E13.mkv",
                    "path": "/tv/anime/Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13.mkv",
                    "quality": "WEBDL-1080p", "qualityVersion": 1, "size": 12,
                ] as [String: Any],
                "deleteReason": "manual",
            ])
            answer = try await Self.post(client, "/api/hooks/sonarr", delete, headers: key)
            result = try await Self.finish(answer.json, client: client)
            #expect(MappingAPITests.object(result["scan"])["removed"] as? Int == 1)
            matches = try await MappingAPITests.matches(client)
            #expect(Set(matches.keys) == ["Durarara!! - S02E14.mkv"])

            // SeriesDelete with its files (WebhookSeriesDeletePayload's deletedFiles is a flag): the folder's files go,
            // even though the folder is left empty rather than gone.
            try FileManager.default.removeItem(atPath: folder + "/Durarara!! - S02E14.mkv")
            let seriesDelete = Self.json([
                "eventType": "SeriesDelete", "instanceName": "Sonarr",
                "series": ["id": 7, "title": "Durarara!!", "path": "/tv/anime/Durarara!! (2010) {tvdb-133341}", "tvdbId": 133341] as [String: Any],
                "deletedFiles": true,
            ])
            answer = try await Self.post(client, "/api/hooks/sonarr", seriesDelete, headers: key)
            result = try await Self.finish(answer.json, client: client)
            #expect(MappingAPITests.object(result["scan"])["removed"] as? Int == 1)
            #expect(try await MappingAPITests.matches(client).isEmpty)

            // Events that ask nothing of the library: 200, so Sonarr keeps the connection.
            for event in ["Grab", "SeriesAdd", "Health", "HealthRestored", "ApplicationUpdate", "ManualInteractionRequired", "SomethingNew"] {
                answer = try await Self.post(client, "/api/hooks/sonarr", #"{"eventType":"\#(event)","instanceName":"Sonarr"}"#, headers: key)
                #expect(answer.status == .ok && answer.json["accepted"] as? Bool == false, "\(event)")
            }
        }
    }

    @Test("Radarr: a film imported, renamed, its file and the movie deleted")
    func radarrEvents() async throws {
        let running = try await Self.start()
        defer { running.host.stop() }
        let key: HTTPFields = [:]
        try await running.app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client, headers: key)
            let folder = running.media + "/movies/Kimi no Na wa (2016)"
            try Self.write(folder + "/Kimi no Na wa.mkv", "your-name")
            let movie: [String: Any] = [
                "id": 3, "title": "Your Name.", "year": 2016, "releaseDate": "2017-07-21", "folderPath": "/movies/Kimi no Na wa (2016)",
                "tmdbId": 372058, "imdbId": "tt5311514", "overview": "…", "tags": [],
            ]
            // WebhookImportPayload: movie, remoteMovie, movieFile, isUpgrade.
            let download = Self.json([
                "eventType": "Download", "instanceName": "Radarr", "applicationUrl": "",
                "movie": movie,
                "remoteMovie": ["tmdbId": 372058, "imdbId": "tt5311514", "title": "Your Name.", "year": 2016] as [String: Any],
                "movieFile": [
                    "id": 9, "relativePath": "Kimi no Na wa.mkv", "path": "/movies/Kimi no Na wa (2016)/Kimi no Na wa.mkv",
                    "quality": "Bluray-1080p", "qualityVersion": 1, "releaseGroup": "", "sceneName": "", "indexerFlags": "0",
                    "size": 9, "dateAdded": "2026-12-07T09:00:00Z",
                ] as [String: Any],
                "release": ["quality": "Bluray-1080p", "qualityVersion": 1, "releaseTitle": "x", "indexer": "x", "size": 9] as [String: Any],
                "isUpgrade": false, "downloadClient": "SABnzbd", "downloadClientType": "SABnzbd", "downloadId": "x",
            ])
            var answer = try await Self.post(client, "/api/hooks/radarr", download, headers: key)
            #expect(answer.status == .accepted)
            _ = try await Self.finish(answer.json, client: client)
            var matches = try await MappingAPITests.matches(client)
            #expect(matches["Kimi no Na wa.mkv"]?["aid"] as? Int == 11829, "the payload's TMDB id places a name the title alone may not")
            let id = matches["Kimi no Na wa.mkv"]?["fileId"] as? Int

            try FileManager.default.moveItem(atPath: folder + "/Kimi no Na wa.mkv", toPath: folder + "/Your Name. (2016).mkv")
            let rename = Self.json([
                "eventType": "Rename", "instanceName": "Radarr", "movie": movie,
                "renamedMovieFiles": [
                    [
                        "id": 9, "relativePath": "Your Name. (2016).mkv", "path": "/movies/Kimi no Na wa (2016)/Your Name. (2016).mkv",
                        "previousRelativePath": "Kimi no Na wa.mkv", "previousPath": "/movies/Kimi no Na wa (2016)/Kimi no Na wa.mkv",
                        "quality": "Bluray-1080p", "qualityVersion": 1, "size": 9,
                    ] as [String: Any]
                ],
            ])
            _ = try await Self.finish(try await Self.post(client, "/api/hooks/radarr", rename, headers: key).json, client: client)
            matches = try await MappingAPITests.matches(client)
            #expect(matches["Your Name. (2016).mkv"]?["fileId"] as? Int == id && matches["Your Name. (2016).mkv"]?["aid"] as? Int == 11829)

            try FileManager.default.removeItem(atPath: folder + "/Your Name. (2016).mkv")
            let fileDelete = Self.json([
                "eventType": "MovieFileDelete", "instanceName": "Radarr", "movie": movie,
                "movieFile": [
                    "id": 9, "relativePath": "Your Name. (2016).mkv", "path": "/movies/Kimi no Na wa (2016)/Your Name. (2016).mkv",
                    "quality": "Bluray-1080p", "qualityVersion": 1, "size": 9,
                ] as [String: Any],
                "deleteReason": "manual",
            ])
            let result = try await Self.finish(try await Self.post(client, "/api/hooks/radarr", fileDelete, headers: key).json, client: client)
            #expect(MappingAPITests.object(result["scan"])["removed"] as? Int == 1)

            let movieDelete = Self.json([
                "eventType": "MovieDelete", "instanceName": "Radarr", "movie": movie, "deletedFiles": true, "movieFolderSize": 0,
            ])
            answer = try await Self.post(client, "/api/hooks/radarr", movieDelete, headers: key)
            #expect(answer.status == .accepted)
            answer = try await Self.post(
                client,
                "/api/hooks/radarr",
                #"{"eventType":"Test","movie":{"id":1,"title":"Test Title","year":1970,"folderPath":"C:\\testpath"},"remoteMovie":{"tmdbId":1234,"imdbId":"5678"}}"#,
                headers: key
            )
            #expect(answer.status == .ok)
            answer = try await Self.post(client, "/api/hooks/radarr", #"{"eventType":"MovieAdded","movie":{"id":1}}"#, headers: key)
            #expect(answer.status == .ok)
        }
    }

    @Test("the key in every form; a viewer's key, a wrong key and none are refused; unmapped paths and garbage get clear errors")
    func accessAndErrors() async throws {
        let running = try await Self.start(accounts: true)
        defer { running.host.stop() }
        let key = running.accounts.adminKey
        let file = "/tv/anime/Show/Show - S01E01.mkv"
        try Self.write(running.media + "/tv/Show/Show - S01E01.mkv", "x")
        let body = Self.sonarrDownload(file: file, season: 1, episodes: [1])
        try await running.app.test(.live) { client in
            let forms: [(String, HTTPFields)] = [
                ("Bearer", TestAccounts.bearer(key)),
                ("X-Api-Key", [.init("X-Api-Key")!: key]),
                // Sonarr's webhook form has a username and a password field: the key as the password, any name.
                ("Basic, key as password", TestAccounts.basic("sonarr", key)),
                ("Basic, empty user name", TestAccounts.basic("", key)),
                ("Basic, admin's password", TestAccounts.basic(TestAccounts.adminName, TestAccounts.adminPassword)),
            ]
            for (form, headers) in forms {
                let answer = try await Self.post(client, "/api/hooks/sonarr", body, headers: headers)
                #expect(answer.status == .accepted, "\(form): \(answer.status)")
            }
            var answer = try await Self.post(client, "/api/hooks/sonarr", body, headers: [:])
            #expect(answer.status == .unauthorized)
            answer = try await Self.post(client, "/api/hooks/sonarr", body, headers: TestAccounts.bearer("ak_wrong"))
            #expect(answer.status == .unauthorized)
            answer = try await Self.post(client, "/api/hooks/sonarr", body, headers: TestAccounts.bearer(running.accounts.viewerKey))
            #expect(answer.status == .forbidden)

            // A path under no mapped prefix and no media folder: 422 naming the path and the folders.
            let elsewhere = Self.sonarrDownload(file: "/data/other/Show - S01E01.mkv", season: 1, episodes: [1])
            answer = try await Self.post(client, "/api/hooks/sonarr", elsewhere, headers: TestAccounts.bearer(key))
            let message = MappingAPITests.object(answer.json["error"])["message"] as? String ?? ""
            #expect(answer.status == .unprocessableContent)
            #expect(
                message.contains("/data/other/Show - S01E01.mkv") && message.contains(running.media) && message.contains("path_map"),
                "\(message)"
            )
            // A mapped path that climbs out of the media folders (`..`) is refused, not scanned.
            let tooFar = Self.sonarrDownload(file: "/tv/anime/../../../etc/x.mkv", season: 1, episodes: [1])
            answer = try await Self.post(client, "/api/hooks/sonarr", tooFar, headers: TestAccounts.bearer(key))
            #expect(answer.status == .unprocessableContent)

            for garbage in ["", "not json", "[1,2,3]", #"{"no":"eventType"}"#, #"{"eventType":42}"#] {
                answer = try await Self.post(client, "/api/hooks/sonarr", garbage, headers: TestAccounts.bearer(key))
                #expect(answer.status == .badRequest, "\(garbage): \(answer.status)")
                #expect((MappingAPITests.object(answer.json["error"])["message"] as? String ?? "").contains("eventType"))
            }
            let huge = #"{"eventType":"Download","x":""# + String(repeating: "a", count: 2 << 20) + #""}"#
            answer = try await Self.post(client, "/api/hooks/radarr", huge, headers: TestAccounts.bearer(key))
            #expect(answer.status == .contentTooLarge)
        }
    }
}
