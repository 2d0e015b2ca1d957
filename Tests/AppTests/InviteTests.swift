import Accounts
import AniDBFake
import Foundation
import GRDB
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TestMedia
import Testing

@testable import App

/// Invitations over real sockets: an admin makes them, a person joins with one, and every refusal leaves nothing made.
@Suite("invitations")
struct InviteTests {
    static func call(
        _ client: some TestClientProtocol,
        _ uri: String,
        method: HTTPRequest.Method = .get,
        headers: HTTPFields = [:],
        body: Any? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any], HTTPFields) {
        let data = try body.map { try JSONSerialization.data(withJSONObject: $0) }
        return try await client.execute(uri: uri, method: method, headers: headers, body: data.map { ByteBuffer(bytes: $0) }) {
            ($0.status, (try? JSONSerialization.jsonObject(with: Data($0.bytes))) as? [String: Any] ?? [:], $0.headers)
        }
    }

    static func message(_ answer: [String: Any]) -> String { (answer["error"] as? [String: Any])?["message"] as? String ?? "" }

    @Test("an admin's invitation makes an account with its role and signs it in; the code is random and kept hashed")
    func join() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        let admin = TestAccounts.bearer(accounts.adminKey)
        try await app.test(.live) { client in
            let (made, invite, _) = try await Self.call(
                client,
                "/api/invites",
                method: .post,
                headers: admin,
                body: ["role": "viewer", "hours": 72, "uses": 2]
            )
            #expect(made == .created)
            let code = try #require(invite["code"] as? String)
            #expect(code.count >= 22 && code.allSatisfy { $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }, "128 bits or more, URL-safe")
            #expect(invite["url"] as? String == "/join/\(code)" && invite["uses_left"] as? Int == 2 && invite["expires_at"] is String)
            // Only its SHA-256 is stored.
            let stored = try await database.writer.read { try String.fetchAll($0, sql: "SELECT codeHash FROM invite") }
            #expect(stored.count == 1 && stored[0] != code && !stored[0].contains(code) && stored[0].count == 64)
            // What the join page shows.
            let (offerStatus, offer, _) = try await Self.call(client, "/api/auth/invite/\(code)")
            #expect(offerStatus == .ok && offer["role"] as? String == "viewer")
            let (joined, account, headers) = try await Self.call(
                client,
                "/api/auth/register",
                method: .post,
                body: ["code": code, "username": "newcomer", "password": "a long new password"]
            )
            #expect(joined == .created && account["username"] as? String == "newcomer" && account["role"] as? String == "viewer")
            let cookie = try #require(TestAccounts.sessionCookie(headers))
            let (_, me, _) = try await Self.call(client, "/api/me", headers: [.cookie: cookie])
            #expect(me["username"] as? String == "newcomer" && me["credential"] as? String == "session")
            let (_, list, _) = try await Self.call(client, "/api/invites", headers: admin)
            let listed = (list["invites"] as? [[String: Any]])?.first
            #expect(listed?["uses_left"] as? Int == 1 && listed?["state"] as? String == "open" && listed?["code"] == nil)
            // Its second use, then it is used up.
            let (second, _, _) = try await Self.call(
                client,
                "/api/auth/register",
                method: .post,
                body: ["code": code, "username": "second", "password": "another long password"]
            )
            #expect(second == .created)
            let (third, answer, _) = try await Self.call(
                client,
                "/api/auth/register",
                method: .post,
                body: ["code": code, "username": "third", "password": "yet another password"]
            )
            #expect(third == .gone && Self.message(answer).contains("used up"), "\(answer)")
            #expect(try await accounts.users.list().map(\.name).sorted() == ["ada", "newcomer", "second", "vic"])
            // An admin invitation makes an admin.
            let (_, adminInvite, _) = try await Self.call(
                client,
                "/api/invites",
                method: .post,
                headers: admin,
                body: ["role": "admin", "hours": 1, "uses": 1]
            )
            let (_, boss, _) = try await Self.call(
                client,
                "/api/auth/register",
                method: .post,
                body: ["code": adminInvite["code"] as? String ?? "", "username": "boss", "password": "the boss's password"]
            )
            #expect(boss["role"] as? String == "admin")
            // Only admins make, list and revoke invitations.
            let viewer = TestAccounts.bearer(accounts.viewerKey)
            #expect(try await Self.call(client, "/api/invites", method: .post, headers: viewer, body: ["role": "viewer"]).0 == .forbidden)
            #expect(try await Self.call(client, "/api/invites", headers: viewer).0 == .forbidden)
            #expect(try await Self.call(client, "/api/invites", method: .post, body: ["role": "viewer"]).0 == .unauthorized)
        }
    }

    @Test("unknown, expired, revoked and used-up codes, and bad names and passwords: a clear 4xx and nothing made")
    func refusals() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        // Many refusals in a row here: the throttle is tested on its own.
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_SIGNIN_FAILURE_LIMIT": "1000"], clock: clock, database: database)
        let admin = TestAccounts.bearer(accounts.adminKey)
        try await app.test(.live) { client in
            func invite(hours: Int = 1) async throws -> (Int, String) {
                let (_, made, _) = try await Self.call(
                    client,
                    "/api/invites",
                    method: .post,
                    headers: admin,
                    body: ["role": "viewer", "hours": hours, "uses": 1]
                )
                return (made["id"] as? Int ?? 0, made["code"] as? String ?? "")
            }
            func register(_ code: String, _ name: String, _ password: String = "a long enough password") async throws -> (HTTPResponse.Status, String)
            {
                let (status, answer, _) = try await Self.call(
                    client,
                    "/api/auth/register",
                    method: .post,
                    body: ["code": code, "username": name, "password": password]
                )
                return (status, Self.message(answer))
            }
            let (_, good) = try await invite()
            for (name, password, reason) in [
                (String(repeating: "n", count: 65), "a long enough password", "not a valid user name"),
                ("", "a long enough password", "not a valid user name"),
                ("bell\u{7}name", "a long enough password", "not a valid user name"),
                ("new\nline", "a long enough password", "not a valid user name"),
                ("shorty", "short", "at least 8 characters"),
                ("tabby", "pass\tword with a tab", "control characters"),
                ("vic", "a long enough password", "already exists"),
            ] {
                let (status, message) = try await register(good, name, password)
                #expect(status.code >= 400 && status.code < 500 && message.contains(reason), "\(name.debugDescription): \(status) \(message)")
            }
            // None of those used the invitation.
            #expect(try await register(good, "goodname").0 == .created)
            #expect(try await register("not-a-code-at-all", "someone").0 == .notFound)
            #expect(try await register("", "someone").0 == .notFound)
            let (_, expiring) = try await invite(hours: 1)
            clock.advance(by: 3601)
            let (expiredStatus, expiredMessage) = try await register(expiring, "late")
            #expect(expiredStatus == .gone && expiredMessage.contains("expired"))
            let (revokedId, revoked) = try await invite()
            #expect(try await Self.call(client, "/api/invites/\(revokedId)", method: .delete, headers: admin).0 == .noContent)
            #expect(try await Self.call(client, "/api/invites/\(revokedId)", method: .delete, headers: admin).0 == .notFound)
            let (revokedStatus, revokedMessage) = try await register(revoked, "withdrawn")
            #expect(revokedStatus == .gone && revokedMessage.contains("withdrawn"))
            #expect(try await Self.call(client, "/api/auth/invite/\(revoked)").0 == .gone)
            for body in [
                ["role": "owner"], ["role": "viewer", "hours": 0], ["role": "viewer", "hours": 721], ["role": "viewer", "uses": 0],
                ["role": "viewer", "uses": 101],
            ]
                as [[String: Any]]
            {
                #expect(try await Self.call(client, "/api/invites", method: .post, headers: admin, body: body).0 == .badRequest, "\(body)")
            }
            #expect(try await accounts.users.list().map(\.name).sorted() == ["ada", "goodname", "vic"])
        }
    }

    @Test("guessing codes is throttled like signing in: the address is locked out, even for a good code")
    func throttled() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_SIGNIN_FAILURE_LIMIT": "3"], database: database)
        try await app.test(.live) { client in
            let (_, made, _) = try await Self.call(
                client,
                "/api/invites",
                method: .post,
                headers: TestAccounts.bearer(accounts.adminKey),
                body: ["role": "viewer", "hours": 1, "uses": 1]
            )
            var statuses: [Int] = []
            for guess in 0..<5 {
                statuses.append(Int(try await Self.call(client, "/api/auth/invite/guess\(guess)").0.code))
            }
            #expect(statuses == [404, 404, 404, 429, 429], "\(statuses)")
            let (locked, _, headers) = try await Self.call(
                client,
                "/api/auth/register",
                method: .post,
                body: ["code": made["code"] as? String ?? "", "username": "patient", "password": "a long enough password"]
            )
            #expect(locked == .tooManyRequests && headers[.retryAfter] != nil)
            #expect(try await accounts.users.user(named: "patient") == nil)
        }
    }

    @Test("the open install sends people to make the first admin before inviting; a viewer invitation cannot be the first account")
    func openInstall() async throws {
        let database = try TestApp.seededDatabase()
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let (status, answer, _) = try await Self.call(client, "/api/invites", method: .post, body: ["role": "viewer"])
            #expect(status == .conflict && Self.message(answer).contains("first admin"))
        }
        let users = UserStore(writer: database.writer, cost: 4)
        let invites = InviteStore(writer: database.writer, users: users)
        let made = try invites.create(role: .viewer, hours: 1, uses: 1, createdBy: nil, now: 1)
        #expect(throws: AccountError.invalidInvite("this install has no admin yet: its first account is made on /login")) {
            try invites.register(code: made.code, name: "kid", password: "a long enough password", now: 2)
        }
        #expect(try await invites.list().first?.usesLeft == 1)
    }

    @Test("anikura invite create prints the link alone; list shows it without the code; the code works; revoke ends one")
    func commandLine() async throws {
        let cli = CommandLineTests()
        try await cli.withDataDirectory { environment in
            _ = try await cli.run(["user", "add", "ada", "--role", "admin"], environment: environment, input: "first password\n")
            let created = try await cli.run(["invite", "create", "--role", "viewer", "--hours", "72", "--uses", "1"], environment: environment)
            #expect(created.status == 0, "\(created.standardError)")
            let link = created.text.trimmingCharacters(in: .newlines)
            #expect(link.hasPrefix("/join/") && created.standardError.contains("for a viewer, 1 use"), "\(link) \(created.standardError)")
            let code = String(link.dropFirst("/join/".count))
            let list = try await cli.run(["invite", "list"], environment: environment)
            #expect(list.text.hasPrefix("1\tviewer\t1\t") && list.text.contains("\topen") && !list.text.contains(code), "\(list.text)")
            let database = try AppDatabase.open(path: environment["ANIKURA_STORAGE_DATA_DIR"]! + "/anikura.sqlite")
            let invites = InviteStore(writer: database.writer, users: UserStore(writer: database.writer, cost: 4))
            let user = try await RawSocket.offPool {
                try invites.register(code: code, name: "kid", password: "a long enough password", now: Date().timeIntervalSince1970)
            }
            #expect(user.role == .viewer)
            for (arguments, message) in [
                (["invite", "create", "--role", "owner"], "--role must be viewer or admin"),
                (["invite", "create", "--hours", "0"], "hours must be 1 to 720"),
                (["invite", "create", "--uses", "1000"], "uses must be 1 to 100"),
                (["invite", "revoke", "99"], "no invitation 99"),
            ] {
                let refused = try await cli.run(arguments, environment: environment)
                #expect(refused.status != 0 && refused.standardError.contains(message), "\(arguments): \(refused.standardError)")
            }
            _ = try await cli.run(["invite", "create"], environment: environment)
            #expect(try await cli.run(["invite", "revoke", "2"], environment: environment).status == 0)
            #expect(try await invites.list().map(\.id) == [1])
        }
    }
}
