import Accounts
import AniDBFake
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import Library
import Mirror
import NIOCore
import Testing

@testable import App

/// Watch progress sent to AniList, against a stand-in written from AniList's documentation (`FakeAniList`): linking
/// with a token, what is sent when, a refused token, a restart with deliveries pending, 429 and the rate limit.
@Suite("AniList list sync")
struct ListSyncTests {
    /// 314 has two episodes (demo/seed/AnimeDoc_314.xml) and AniList id 3140 here; 17617 (Frieren) is 154587;
    /// 11021 has no AniList id.
    static let short = 314
    static let frieren = 17617
    static let unmapped = 11021
    static let token = "vic-anilist-token.abc_DEF-123"
    static let ids: [UInt8] = Array(
        #"{"314": {"anilist_id": 3140, "mal_id": 314}, "17617": {"anilist_id": 154587, "mal_id": 52991}}"#.utf8
    )
    static let list: [UInt8] = Array(
        #"<?xml version="1.0"?><anime-list><anime anidbid="314" tvdbid="70000" defaulttvdbseason="1"/></anime-list>"#.utf8
    )

    struct Setup {
        var database: AppDatabase
        var accounts: TestAccounts
        var files: [String: Int64]
        var host: FakeFileHost
        var environment: [String: String]
    }

    /// The library (two episodes of 314, three of Frieren, one of 11021, all matched), the mapping files on a local
    /// host, and the settings that point Anikura at them and at `aniList`.
    static func setup(aniList: FakeAniList, extra: [String: String] = [:]) async throws -> Setup {
        let host = try await FakeFileHost.start()
        host.put("anime-list-master.xml", list)
        host.put("anime_ids.json", ids)
        let (database, accounts, files) = try await RawSocket.offPool { () throws -> (AppDatabase, TestAccounts, [String: Int64]) in
            let database = try TestApp.seededDatabase()
            let accounts = try TestAccounts.add(to: database)
            let files = try MatchedLibrary.make(
                database,
                [
                    ("Short", "[Grp] Short - 01.mkv", short, "1"), ("Short", "[Grp] Short - 02.mkv", short, "2"),
                    ("Frieren", "[Grp] Frieren - 01.mkv", frieren, "1"), ("Frieren", "[Grp] Frieren - 02.mkv", frieren, "2"),
                    ("Frieren", "[Grp] Frieren - 03.mkv", frieren, "3"), ("Other", "[Grp] Other - 01.mkv", unmapped, "1"),
                ]
            )
            return (database, accounts, files)
        }
        var environment = [
            "ANIKURA_MIRROR_MAPPING_URL": host.url("anime-list-master.xml"), "ANIKURA_MIRROR_IDS_URL": host.url("anime_ids.json"),
            "ANIKURA_ANILIST_API_URL": aniList.url,
        ]
        environment.merge(extra) { $1 }
        return Setup(database: database, accounts: accounts, files: files, host: host, environment: environment)
    }

    static func call(
        _ client: some TestClientProtocol,
        _ uri: String,
        _ key: String,
        method: HTTPRequest.Method = .get,
        body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any], String) {
        let answer = try await keyedCall(client, uri, key, method: method, body: body)
        return (answer.status, answer.json, answer.text)
    }

    /// Watches episode `episode` of `aid` to 95 %.
    static func watch(_ client: some TestClientProtocol, _ setup: Setup, _ aid: Int, _ episode: Int) async throws {
        let (status, _, _) = try await call(
            client,
            "/api/me/progress/\(setup.files["\(aid)-\(episode)"] ?? 0)",
            setup.accounts.viewerKey,
            method: .put,
            body: #"{"position": 1330, "duration": 1400}"#
        )
        #expect(status == .ok)
    }

    static func aniList(_ links: [String: Any]) -> [String: Any] { links["anilist"] as? [String: Any] ?? [:] }

    static func saves(_ fake: FakeAniList, media: Int? = nil) -> [FakeAniList.Recorded] {
        fake.requests.filter { $0.query.contains("SaveMediaListEntry") && (media == nil || $0.variables["mediaId"] == media) }
    }

    @Test(
        "link with a token; progress while watching, COMPLETED at the last episode and for a whole series once; not synced listed; a refused token stops it"
    )
    func syncing() async throws {
        let fake = try await FakeAniList.start(accounts: [Self.token: (42, "vic_on_anilist")])
        let setup = try await Self.setup(aniList: fake)
        defer {
            fake.stop()
            setup.host.stop()
        }
        let app = try await TestApp.build(environment: setup.environment, database: setup.database)
        let viewer = setup.accounts.viewerKey
        try await app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client, headers: TestAccounts.bearer(setup.accounts.adminKey))
            // Not tokens at all: refused before AniList is asked.
            for bad in ["", "two words", String(repeating: "x", count: 5000), "tok\u{0}en", "tōken"] {
                let body = String(decoding: try JSONSerialization.data(withJSONObject: ["token": bad]), as: UTF8.self)
                let (status, answer, _) = try await Self.call(client, "/api/me/links/anilist", viewer, method: .put, body: body)
                #expect(status == .badRequest && "\(answer)".contains("not an AniList access token"), "\(bad.prefix(20)): \(answer)")
            }
            #expect(fake.requests.isEmpty)
            // A token AniList refuses: said so, nothing kept.
            let (refused, refusal, _) = try await Self.call(client, "/api/me/links/anilist", viewer, method: .put, body: #"{"token": "not-known"}"#)
            #expect(refused == .badRequest && "\(refusal)".contains("AniList refused this token"))
            #expect(Self.aniList(try await Self.call(client, "/api/me/links", viewer).1)["linked"] as? Bool == false)
            // The right one: checked with the Viewer query, kept, never shown again.
            let (linked, links, text) = try await Self.call(
                client,
                "/api/me/links/anilist",
                viewer,
                method: .put,
                body: #"{"token": "\#(Self.token)"}"#
            )
            #expect(linked == .ok && Self.aniList(links)["account"] as? String == "vic_on_anilist" && !text.contains(Self.token))
            #expect(fake.requests.last?.query.contains("Viewer") == true && fake.requests.last?.token == Self.token)
            let me = try await Self.call(client, "/api/me", viewer)
            #expect((me.1["links"] as? [String: Any])?["anilist"] as? String == "vic_on_anilist" && !me.2.contains(Self.token))
            // Episode 1 of 2 watched: progress 1, CURRENT.
            try await Self.watch(client, setup, Self.short, 1)
            #expect(await eventually { fake.list(Self.token)[3140]?.progress == 1 })
            #expect(fake.list(Self.token)[3140]?.status == "CURRENT")
            // Reports after 90 % send nothing new.
            try await Self.watch(client, setup, Self.short, 1)
            // The last episode: COMPLETED.
            try await Self.watch(client, setup, Self.short, 2)
            #expect(await eventually { fake.list(Self.token)[3140]?.status == "COMPLETED" })
            #expect(fake.list(Self.token)[3140]?.progress == 2)
            #expect(Self.saves(fake, media: 3140).map { "\($0.variables["progress"] ?? 0) \($0.status ?? "")" } == ["1 CURRENT", "2 COMPLETED"])
            #expect(Self.saves(fake).allSatisfy { $0.token == Self.token })
            // A whole series marked watched: COMPLETED once, however often it is marked.
            for _ in 0..<2 {
                #expect(try await Self.call(client, "/api/me/watched/series/\(Self.frieren)", viewer, method: .post).0 == .ok)
            }
            #expect(await eventually { fake.list(Self.token)[154587]?.status == "COMPLETED" })
            // No AniList id: listed as not synced.
            try await Self.watch(client, setup, Self.unmapped, 1)
            let notSynced = Self.aniList(try await Self.call(client, "/api/me/links", viewer).1)["not_synced"] as? [[String: Any]] ?? []
            #expect(notSynced.map { $0["aid"] as? Int } == [Self.unmapped] && notSynced.first?["reason"] as? String == "no AniList id")
            #expect(Self.saves(fake, media: 154587).count == 1)
            // AniList stops taking the token: the link says so, and nothing more is sent for it.
            fake.with { $0.tokens[Self.token] = nil }
            #expect(try await Self.call(client, "/api/me/watched/\(setup.files["314-2"] ?? 0)", viewer, method: .delete).0 == .ok)
            #expect(
                await eventually { Self.aniList((try? await Self.call(client, "/api/me/links", viewer).1) ?? [:])["state"] as? String == "refused" }
            )
            let state = Self.aniList(try await Self.call(client, "/api/me/links", viewer).1)
            #expect("\(state["message"] ?? "")".contains("refused the token") && state["pending"] as? Int == 1)
            // Unlinking forgets the token and what waited for it.
            #expect(try await Self.call(client, "/api/me/links/anilist", viewer, method: .delete).0 == .noContent)
            #expect(Self.aniList(try await Self.call(client, "/api/me/links", viewer).1)["linked"] as? Bool == false)
            let stored = try await setup.database.writer.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM listEntry") }
            #expect(stored == 0)
        }
    }

    @Test("429 with Retry-After is waited out; never more than anilist.requests_per_minute; what is pending survives a restart")
    func pacing() async throws {
        let fake = try await FakeAniList.start(accounts: [Self.token: (42, "vic_on_anilist")])
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let setup = try await Self.setup(aniList: fake, extra: ["ANIKURA_ANILIST_REQUESTS_PER_MINUTE": "2"])
        defer {
            fake.stop()
            setup.host.stop()
        }
        let viewer = setup.accounts.viewerKey
        let first = try await TestApp.build(environment: setup.environment, clock: clock, database: setup.database)
        try await first.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client, headers: TestAccounts.bearer(setup.accounts.adminKey))
            _ = try await Self.call(client, "/api/me/links/anilist", viewer, method: .put, body: #"{"token": "\#(Self.token)"}"#)
            // AniList says 429, wait 30 s.
            fake.with { $0.tooMany = [30] }
            let start = clock.now()
            try await Self.watch(client, setup, Self.short, 1)
            #expect(await eventually { Self.saves(fake).count == 1 })
            #expect(await eventually { clock.deadlines.contains(start + 30) }, "\(clock.deadlines.map { $0 - start })")
            clock.advance(by: 29)
            #expect(Self.saves(fake).count == 1, "nothing sent before Retry-After")
            clock.advance(by: 2)
            #expect(await eventually { fake.list(Self.token)[3140]?.progress == 1 })
            // Two a minute: the 429 and that save fill this minute's window, so the next two wait for it to move on.
            try await Self.watch(client, setup, Self.short, 2)
            _ = try await Self.call(client, "/api/me/watched/series/\(Self.frieren)", viewer, method: .post)
            #expect(await eventually { clock.deadlines.contains(start + 60) }, "\(clock.deadlines.map { $0 - start })")
            #expect(Self.saves(fake).count == 2, "nothing more within the minute")
            clock.advance(by: 30)
            #expect(await eventually { Self.saves(fake).count == 3 })
            #expect(await eventually { clock.deadlines.contains(start + 91) }, "\(clock.deadlines.map { $0 - start })")
            #expect(Self.saves(fake).count == 3)
        }
        // Stopped with one save still waiting; the next start sends it.
        let pending = try await setup.database.writer.read {
            try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM listEntry WHERE sentStatus IS NOT status OR sentProgress IS NOT progress")
        }
        #expect(pending == 1)
        let second = try await TestApp.build(environment: setup.environment, clock: clock, database: setup.database)
        try await second.test(.live) { _ in
            #expect(await eventually { Self.saves(fake).count == 4 })
            #expect(fake.list(Self.token)[154587]?.status == "COMPLETED" && fake.list(Self.token)[3140]?.status == "COMPLETED")
        }
    }
}

/// MyAnimeList: linking by OAuth 2 with PKCE, progress sent as `num_watched_episodes` and `status`, and the access
/// token renewed before it expires, against a stand-in written from MAL's documentation (`FakeMyAnimeList`).
@Suite("MyAnimeList list sync")
struct MyAnimeListSyncTests {
    @Test("link through MAL's authorization page (PKCE, state checked), progress and completion sent, the token renewed before it expires")
    func linkAndSync() async throws {
        let mal = try await FakeMyAnimeList.start()
        let aniList = try await FakeAniList.start(accounts: [:])
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        mal.with { $0.expiresIn = 3 * 86_400 }
        let setup = try await ListSyncTests.setup(
            aniList: aniList,
            extra: ["ANIKURA_MAL_CLIENT_ID": "anikura-test-client", "ANIKURA_MAL_API_URL": mal.apiURL, "ANIKURA_MAL_AUTH_URL": mal.authURL]
        )
        defer {
            mal.stop()
            aniList.stop()
            setup.host.stop()
        }
        let app = try await TestApp.build(environment: setup.environment, clock: clock, database: setup.database)
        let viewer = setup.accounts.viewerKey
        try await app.test(.live) { client in
            _ = try await MappingAPITests.awaitMapping(client, headers: TestAccounts.bearer(setup.accounts.adminKey))
            let (started, start, _) = try await ListSyncTests.call(client, "/api/me/links/mal/start", viewer)
            #expect(started == .ok)
            let url = try #require(URLComponents(string: start["url"] as? String ?? ""))
            let query = Dictionary((url.queryItems ?? []).map { ($0.name, $0.value ?? "") }) { a, _ in a }
            #expect(url.path == "/v1/oauth2/authorize" && query["response_type"] == "code" && query["client_id"] == "anikura-test-client")
            #expect(query["code_challenge_method"] == "plain" && (43...128).contains(query["code_challenge"]?.count ?? 0))
            let redirect = try #require(query["redirect_uri"])
            #expect(redirect.hasSuffix("/api/me/links/mal/callback"))
            // A forged or replayed state links nothing.
            mal.approve(code: "code-1", challenge: query["code_challenge"] ?? "", redirect: redirect, clientId: "anikura-test-client")
            let forged = try await client.execute(
                uri: "/api/me/links/mal/callback?code=code-1&state=forged",
                method: .get,
                headers: TestAccounts.bearer(viewer)
            ) { ($0.status, $0.headers[.location] ?? "") }
            #expect(forged.0 == .found && forged.1.contains("link_error="), "\(forged)")
            // The person allows Anikura on MAL's page; MAL sends the browser back with the code and the state.
            let back = try await client.execute(
                uri: "/api/me/links/mal/callback?code=code-1&state=\(query["state"] ?? "")",
                method: .get,
                headers: TestAccounts.bearer(viewer)
            ) { ($0.status, $0.headers[.location] ?? "") }
            #expect(back.0 == .found && back.1 == "/settings?linked=mal#lists", "\(back)")
            let exchange = mal.requests.first { $0.form["grant_type"] == "authorization_code" }
            #expect(exchange?.form["code_verifier"] == query["code_challenge"] && exchange?.form["redirect_uri"] == redirect)
            let links = try await ListSyncTests.call(client, "/api/me/links", viewer)
            #expect((links.1["mal"] as? [String: Any])?["account"] as? String == "vic_mal" && !links.2.contains("mal-access"))
            // The state is used once.
            let replay = try await client.execute(
                uri: "/api/me/links/mal/callback?code=code-1&state=\(query["state"] ?? "")",
                method: .get,
                headers: TestAccounts.bearer(viewer)
            ) { $0.headers[.location] ?? "" }
            #expect(replay.contains("link_error="))
            // Watching sends num_watched_episodes and status, with the access token.
            try await ListSyncTests.watch(client, setup, ListSyncTests.short, 1)
            #expect(await eventually { mal.with { $0.list[314]?.watched } == 1 })
            #expect(mal.with { $0.list[314]?.status } == "watching")
            #expect(mal.requests.last { $0.method == "PATCH" }?.authorization == "Bearer mal-access-1")
            // Two and a half days on, the token expires within a day: renewed before the next save.
            clock.advance(by: 2.5 * 86_400)
            try await ListSyncTests.watch(client, setup, ListSyncTests.short, 2)
            #expect(await eventually { mal.with { $0.list[314]?.status } == "completed" })
            let refresh = mal.requests.first { $0.form["grant_type"] == "refresh_token" }
            #expect(refresh?.form["refresh_token"] == "mal-refresh-1")
            #expect(mal.requests.last { $0.method == "PATCH" }?.authorization == "Bearer mal-access-2")
            #expect(mal.with { $0.list[314]?.watched } == 2)
            #expect(try await ListSyncTests.call(client, "/api/me/links/mal", viewer, method: .delete).0 == .noContent)
        }
        // Without mal.client_id there is nothing to link with.
        let off = try await TestApp.build(database: setup.database)
        try await off.test(.live) { client in
            let (status, answer, _) = try await ListSyncTests.call(client, "/api/me/links/mal/start", viewer)
            #expect(status == .conflict && "\(answer)".contains("mal.client_id"))
        }
    }
}
