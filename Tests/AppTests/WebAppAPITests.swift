import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// The JSON behind the web app's pages over real sockets: the first admin, users, keys, posters' own budget,
/// and where the web files are found. (The grid, series page and attention list are driven in `WebAppTests`.)
@Suite("web app APIs")
struct WebAppAPITests {
    static func send(
        _ client: some TestClientProtocol,
        _ method: HTTPRequest.Method,
        _ uri: String,
        _ body: String? = nil,
        headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        var fields = headers
        if body != nil { fields[.contentType] = "application/json" }
        return try await client.execute(uri: uri, method: method, headers: fields, body: body.map { ByteBuffer(string: $0) }) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.body.readableBytesView)) as? [String: Any]) ?? [:], $0.headers)
        }
    }

    @Test("a fresh loopback install creates its first admin from the sign-in page, once; then it is closed")
    func firstAdmin() async throws {
        let app = try await TestApp.build()
        try await app.test(.live) { client in
            let (_, before, _) = try await Self.send(client, .get, "/api/auth/setup")
            #expect(before["available"] as? Bool == true)
            let (weak, weakBody, _) = try await Self.send(client, .post, "/api/auth/setup", #"{"username": "ada", "password": "short"}"#)
            #expect(
                weak == .badRequest && (weakBody["error"] as? [String: Any])?["message"] as? String == "The password must be at least 8 characters."
            )
            let (created, body, headers) = try await Self.send(
                client,
                .post,
                "/api/auth/setup",
                #"{"username": "ada", "password": "a long password"}"#
            )
            #expect(created == .created && body["role"] as? String == "admin")
            let cookie = try #require(TestAccounts.sessionCookie(headers))
            let (_, me, _) = try await Self.send(client, .get, "/api/me", headers: [.cookie: cookie])
            #expect(me["username"] as? String == "ada" && me["credential"] as? String == "session")
            // Closed now: a second "first admin" is refused, and the install asks for sign-in.
            var again = HTTPResponse.Status.created
            for _ in 0..<80 where again != .conflict {
                (again, _, _) = try await Self.send(client, .post, "/api/auth/setup", #"{"username": "eve", "password": "a long password"}"#)
                if again != .conflict { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(again == .conflict)
            let (_, after, _) = try await Self.send(client, .get, "/api/auth/setup")
            #expect(after["available"] as? Bool == false)
            let (anonymous, _, _) = try await Self.send(client, .get, "/api/shelf")
            #expect(anonymous == .unauthorized)
        }
    }

    @Test("admins add users, change roles and remove them; the last admin stays; keys are each user's own")
    func usersAndKeys() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        let admin = TestAccounts.bearer(accounts.adminKey)
        let viewer = TestAccounts.bearer(accounts.viewerKey)
        try await app.test(.live) { client in
            let (added, user, _) = try await Self.send(
                client,
                .post,
                "/api/users",
                #"{"name": "cai", "role": "viewer", "password": "cai's long password"}"#,
                headers: admin
            )
            #expect(added == .created && user["role"] as? String == "viewer")
            let id = try #require(user["id"] as? Int)
            let (duplicate, _, _) = try await Self.send(
                client,
                .post,
                "/api/users",
                #"{"name": "cai", "role": "viewer", "password": "cai's long password"}"#,
                headers: admin
            )
            #expect(duplicate == .conflict)
            let (bad, _, _) = try await Self.send(client, .post, "/api/users", #"{"name": "x", "role": "owner", "password": "p"}"#, headers: admin)
            #expect(bad == .badRequest)
            let (promoted, changed, _) = try await Self.send(client, .post, "/api/users/\(id)/role", #"{"role": "admin"}"#, headers: admin)
            #expect(promoted == .ok && changed["role"] as? String == "admin")
            let (listed, list, _) = try await Self.send(client, .get, "/api/users", headers: admin)
            let names = (list["users"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
            #expect(listed == .ok && Set(names) == [TestAccounts.adminName, TestAccounts.viewerName, "cai"])
            let (removed, _, _) = try await Self.send(client, .delete, "/api/users/\(id)", headers: admin)
            #expect(removed == .noContent)
            // ada is now the only admin: she cannot become a viewer.
            let adaID = try #require((list["users"] as? [[String: Any]])?.first { $0["name"] as? String == TestAccounts.adminName }?["id"] as? Int)
            let (last, lastBody, _) = try await Self.send(client, .post, "/api/users/\(adaID)/role", #"{"role": "viewer"}"#, headers: admin)
            #expect(last == .conflict, "\(lastBody)")

            // Keys: made and listed for the caller only; another user's key is not theirs to revoke.
            let (made, key, _) = try await Self.send(client, .post, "/api/me/keys", #"{"label": "Kometa"}"#, headers: viewer)
            #expect(made == .created && (key["key"] as? String)?.hasPrefix("ak_") == true)
            let (_, viewerKeys, _) = try await Self.send(client, .get, "/api/me/keys", headers: viewer)
            let (_, adminKeys, _) = try await Self.send(client, .get, "/api/me/keys", headers: admin)
            let viewerLabels = (viewerKeys["keys"] as? [[String: Any]] ?? []).compactMap { $0["label"] as? String }
            #expect(viewerLabels.contains("Kometa") && (viewerKeys["keys"] as? [Any])?.count == 2)
            #expect((adminKeys["keys"] as? [[String: Any]] ?? []).allSatisfy { $0["label"] as? String != "Kometa" })
            let keyID = try #require(key["id"] as? Int)
            let (notYours, _, _) = try await Self.send(client, .delete, "/api/me/keys/\(keyID)", headers: admin)
            #expect(notYours == .notFound)
            let (revoked, _, _) = try await Self.send(client, .delete, "/api/me/keys/\(keyID)", headers: viewer)
            #expect(revoked == .noContent)
            let newKey = try #require(key["key"] as? String)
            let (gone, _, _) = try await Self.send(client, .get, "/api/me", headers: TestAccounts.bearer(newKey))
            #expect(gone == .unauthorized)
        }
    }

    @Test("posters have their own daily budget, a failed download waits an hour, and the AniDB API is never asked")
    func posterBudget() async throws {
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        fake.addImage(name: "440.jpg", bytes: [0xFF, 0xD8, 0xFF, 0xE0] + Array(repeating: 0, count: 64))
        // Evangelion's CDN answers 500 at first: no poster, and no retry for an hour.
        fake.script { $0.path.hasSuffix("/133461.jpg") ? .status(500) : nil }
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(
            environment: UpstreamTests.environment(fake, ["ANIKURA_MIRROR_IMAGE_URL": fake.imageURL, "ANIKURA_MIRROR_IMAGE_DAILY_LIMIT": "2"]),
            clock: clock,
            database: database
        )
        let admin = TestAccounts.bearer(accounts.adminKey)
        try await app.test(.live) { client in
            func poster(_ aid: Int) async throws -> (String?, String?) {
                try await client.execute(uri: "/api/images/anime/\(aid)", method: .get, headers: admin) {
                    ($0.headers[.contentType], $0.headers[HTTPField.Name("X-Anikura-Placeholder")!])
                }
            }
            #expect(try await poster(1) == ("image/jpeg", nil))
            #expect(try await poster(1) == ("image/jpeg", nil), "from disk")
            #expect(try await poster(22) == ("image/svg+xml", "failed"))
            #expect(try await poster(22) == ("image/svg+xml", "failed"), "not retried at once")
            #expect(fake.imageRequests.count == 2)
            clock.advance(by: 3601)
            // The hour is over, but both of the day's two downloads are spent.
            #expect(try await poster(22) == ("image/svg+xml", "budget"))
            #expect(try await poster(10145) == ("image/svg+xml", "budget"))
            #expect(fake.imageRequests.count == 2)
            clock.advance(by: 86_400)
            fake.script { _ in nil }
            #expect(try await poster(22) == ("image/svg+xml", "refused"), "the CDN's 404 for a name it has not")
            #expect(try await poster(22) == ("image/svg+xml", "refused"))
            #expect(fake.imageRequests.count == 3 && fake.animeRequests.isEmpty)
            let (unknown, _, _) = try await Self.send(client, .get, "/api/images/anime/999999", headers: admin)
            #expect(unknown == .ok, "a placeholder for anime the mirror does not know")
        }
        try await fake.stop()
    }

    @Test("the web folder is found beside the executable or the checkout's build, and relative to the config file")
    func webDirectory() throws {
        let checkout = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().path
        let found = WebDirectory.resolve("", origin: "default", executable: checkout + "/.build/x86_64-unknown-linux-gnu/debug/anikura")
        // The running test binary is what /proc/self/exe names; it also sits inside the checkout's .build.
        #expect(found == checkout + "/web")
        #expect(WebDirectory.resolve("site", origin: "/etc/anikura/config.toml") == "/etc/anikura/site")
        #expect(WebDirectory.resolve("/srv/web", origin: "/etc/anikura/config.toml") == "/srv/web")
        #expect(WebDirectory.resolve("web2", origin: "ANIKURA_SERVER_WEB_DIR") == "web2")
    }
}
