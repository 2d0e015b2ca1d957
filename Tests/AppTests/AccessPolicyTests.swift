import Accounts
import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Mirror
import NIOCore
import Testing

@testable import App

/// One table says who may call each route (`RoutePolicy.table`); these tests hold the router to it.
@Suite("route policies")
struct AccessPolicyTests {
    /// A path that reaches the route: each parameter filled with a value of the right shape.
    static func concrete(_ path: String) -> String {
        let values = [
            "aid": "1", "tag_id": "1", "fileId": "1",
            // Not 1: `DELETE /api/me/keys/{id}` as the admin would revoke the admin's own key (id 1) midway.
            "id": "999999", "seriesId": "1", "token": "1-0-x",
            "rendition": "v", "segment": "0.ts", "name": "x.mkv", "sheet": "sheet-1.jpg", "code": "not-a-code",
        ]
        var result = path
        for (name, value) in values { result = result.replacingOccurrences(of: "{\(name)}", with: value) }
        return result
    }

    static func routes(_ environment: [String: String] = [:]) async throws -> [(HTTPRequest.Method, String)] {
        let parts = try await buildParts(
            configuration: TestApp.configuration(environment),
            logger: Logger(label: "test"),
            database: TestApp.seededDatabase(),
            clock: ManualClock(now: Date().timeIntervalSince1970),
            transport: nil
        )
        return parts.router.routes.map { ($0.method, $0.path.description) }
    }

    @Test("every route the router registers has a policy in the table, and the table names no route that is gone")
    func everyRouteHasAPolicy() async throws {
        let routes = try await Self.routes(["ANIKURA_SERVER_WEB_DIR": MatchAPITests.web])
        #expect(routes.count >= 50, "\(routes.count) routes")
        let missing = routes.filter { RoutePolicy.of(method: $0.0, endpoint: $0.1) == nil }.map { "\($0.0) \($0.1)" }
        #expect(missing.isEmpty, "routes with no policy: \(missing)")
        let registered = Set(routes.map { "\($0.0.rawValue) \($0.1)" })
        let stale = Set(RoutePolicy.table.keys).subtracting(registered)
        #expect(stale.isEmpty, "policies for routes that do not exist: \(stale.sorted())")
    }

    enum Identity: String, CaseIterable {
        case anonymous, badKey, viewer, admin
    }

    /// What each identity gets from a route of each policy: refused with this status, or let through (nil).
    static func refusal(_ policy: RoutePolicy, _ identity: Identity, anonymousMirror: Bool) -> HTTPResponse.Status? {
        switch (policy, identity) {
        case (.open, _): nil
        // The link's token is the credential; "1-0-x" is no token, whoever sends it.
        case (.signedLink, _): .forbidden
        case (_, .badKey): .unauthorized
        case (.mirror, .anonymous): anonymousMirror ? nil : .unauthorized
        case (.viewer, .anonymous), (.admin, .anonymous): .unauthorized
        case (.admin, .viewer): .forbidden
        default: nil
        }
    }

    @Test(
        "every route × (no credentials, a wrong key, a viewer, an admin) over real sockets, anonymous mirror on and off",
        arguments: [true, false]
    )
    func matrix(anonymousMirror: Bool) async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let environment = [
            "ANIKURA_SERVER_WEB_DIR": MatchAPITests.web,
            "ANIKURA_SERVER_ANONYMOUS_MIRROR": anonymousMirror ? "true" : "false",
            // Wrong keys are counted as failed sign-ins; this test sends one per route and wants 401 each time.
            "ANIKURA_SERVER_SIGNIN_FAILURE_LIMIT": "100000",
        ]
        let routes = try await Self.routes(environment)
        let app = try await TestApp.build(environment: environment, database: database)
        let checked = try await app.test(.live) { client in
            var checked = 0
            for (method, path) in routes {
                let policy = try #require(RoutePolicy.of(method: method, endpoint: path))
                for identity in Identity.allCases {
                    let headers: HTTPFields =
                        switch identity {
                        case .anonymous: [:]
                        case .badKey: [.xApiKey: "ak_not-a-key"]
                        case .viewer: TestAccounts.bearer(accounts.viewerKey)
                        case .admin: TestAccounts.bearer(accounts.adminKey)
                        }
                    let body: ByteBuffer? = method == .get ? nil : ByteBuffer(string: "{}")
                    let status = try await client.execute(uri: Self.concrete(path), method: method, headers: headers, body: body) {
                        $0.status
                    }
                    let expected = Self.refusal(policy, identity, anonymousMirror: anonymousMirror)
                    if let expected {
                        #expect(status == expected, "\(method) \(path) as \(identity): \(status), expected \(expected)")
                    } else {
                        #expect(
                            ![.unauthorized, .forbidden, .tooManyRequests].contains(status),
                            "\(method) \(path) as \(identity): \(status), expected to be let through"
                        )
                    }
                    checked += 1
                }
            }
            return checked
        }
        #expect(checked == routes.count * 4)
    }

    @Test("with no users on loopback everything is open, as before; the first user closes it")
    func openInstall() async throws {
        let database = try TestApp.seededDatabase()
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/library", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/me", method: .get) { response in
                let json = try response.json()
                #expect(json["role"] as? String == "admin" && json["credential"] as? String == "open")
            }
            _ = try TestAccounts.add(to: database)
            // The server notices users made by the command line within its cache's lifetime (5 s).
            var status = HTTPResponse.Status.ok
            for _ in 0..<80 where status == .ok {
                status = try await client.execute(uri: "/api/library", method: .get) { $0.status }
                if status == .ok { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .unauthorized)
            // The mirror stays readable without credentials (Kometa sends none).
            try await client.execute(uri: "/anime/1", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test("a public bind with no admin user is refused with one line that says how to add one; with an admin it starts")
    func publicBindNeedsAnAdmin() async throws {
        let database = try TestApp.seededDatabase()
        let configuration = try TestApp.configuration(["ANIKURA_SERVER_BIND": "0.0.0.0:0"])
        var message = ""
        do {
            _ = try await buildApplication(configuration: configuration, logger: Logger(label: "test"), database: database)
        } catch {
            message = "\(error)"
        }
        #expect(message.contains("needs an admin user") && message.contains("anikura user add NAME --role admin"), "\(message)")
        #expect(!message.contains("\n"))
        // A viewer is not enough.
        try UserStore(writer: database.writer, cost: 4).add(name: "vic", role: .viewer, password: "a long password", now: 0)
        await #expect(throws: AccountsStartup.Refusal.self) {
            _ = try await buildApplication(configuration: configuration, logger: Logger(label: "test"), database: database)
        }
        try UserStore(writer: database.writer, cost: 4).add(name: "ada", role: .admin, password: "a long password", now: 0)
        _ = try await buildApplication(configuration: configuration, logger: Logger(label: "test"), database: database)
    }

    @Test("admin.password_file makes the first admin on a public bind, once; a weak or unreadable one is refused")
    func firstAdminFromFile() async throws {
        let folder = TestApp.temporaryDirectory()
        let secret = folder + "/admin-password"
        try Data("correct horse battery\n".utf8).write(to: URL(fileURLWithPath: secret))
        let database = try TestApp.seededDatabase()
        let capture = LogCapture()
        var environment = ["ANIKURA_SERVER_BIND": "0.0.0.0:0", "ANIKURA_ADMIN_PASSWORD_FILE": secret, "ANIKURA_ADMIN_NAME": "root"]
        // The message for a public bind without any admin says how, in a container too.
        do {
            _ = try await buildApplication(
                configuration: try TestApp.configuration(["ANIKURA_SERVER_BIND": "0.0.0.0:0"]),
                logger: Logger(label: "test"),
                database: try TestApp.seededDatabase()
            )
            Issue.record("a public bind without an admin started")
        } catch {
            #expect("\(error)".contains("docker exec -i") && "\(error)".contains("ANIKURA_ADMIN_PASSWORD_FILE"), "\(error)")
        }
        let app = try await buildApplication(configuration: try TestApp.configuration(environment), logger: capture.logger, database: database)
        #expect(capture.text.contains("created the admin user 'root'"))
        #expect(!capture.text.contains("correct horse"), "the password is never logged")
        #expect(try await UserStore(writer: database.writer).user(named: "root")?.role == .admin)
        _ = app
        // Read once: with an admin there, a changed file changes nothing.
        try Data("another long password".utf8).write(to: URL(fileURLWithPath: secret))
        _ = try await buildApplication(configuration: try TestApp.configuration(environment), logger: Logger(label: "test"), database: database)
        let users = UserStore(writer: database.writer)
        #expect(try await users.verify(name: "root", password: "correct horse battery") != nil)
        // Too short for a secret, or missing: refused in one line, no user made.
        for (contents, expected) in [("short", "cannot create the admin user"), (nil, "cannot read")] as [(String?, String)] {
            let fresh = try TestApp.seededDatabase()
            let path = folder + "/\(UUID().uuidString)"
            if let contents { try Data(contents.utf8).write(to: URL(fileURLWithPath: path)) }
            environment["ANIKURA_ADMIN_PASSWORD_FILE"] = path
            do {
                _ = try await buildApplication(configuration: try TestApp.configuration(environment), logger: Logger(label: "test"), database: fresh)
                Issue.record("started with admin.password_file \(contents ?? "missing")")
            } catch {
                #expect("\(error)".contains(expected) && !"\(error)".contains("\n"), "\(error)")
            }
            #expect(try await UserStore(writer: fresh.writer).hasAdmin() == false)
        }
    }

    @Test("the old server.username/password become an admin on first start, say so in the log, and keep Basic working")
    func legacyCredentialsMigrate() async throws {
        let database = try TestApp.seededDatabase()
        let capture = LogCapture()
        let environment = ["ANIKURA_SERVER_USERNAME": "kometa", "ANIKURA_SERVER_PASSWORD": "s3cret"]
        let app = try await TestApp.build(environment: environment, database: database, logger: capture.logger)
        #expect(capture.text.contains("created the admin user 'kometa'"))
        #expect(!capture.text.contains("s3cret"), "the password is never logged")
        let user = try #require(try await UserStore(writer: database.writer).user(named: "kometa"))
        #expect(user.role == .admin)
        try await app.test(.live) { client in
            try await client.execute(uri: "/api/library", method: .get, headers: TestAccounts.basic("kometa", "s3cret")) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/library", method: .get, headers: TestAccounts.basic("kometa", "wrong")) {
                #expect($0.status == .unauthorized)
                #expect($0.headers[.wwwAuthenticate]?.hasPrefix("Basic") == true)
            }
            try await client.execute(uri: "/api/library", method: .get) { #expect($0.status == .unauthorized) }
        }
        // A second start finds the user and creates nothing.
        let again = LogCapture()
        _ = try await TestApp.build(environment: environment, database: database, logger: again.logger)
        #expect(again.text.contains("no longer used"))
        #expect(try await UserStore(writer: database.writer).count() == 1)
    }
}
