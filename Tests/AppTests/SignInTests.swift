import Accounts
import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import NIOCore
import Testing

@testable import App

/// Sign-in over real sockets: sessions, keys, throttling, cross-site refusals and the anonymous mirror's rate limit.
@Suite("signing in")
struct SignInTests {
    static func login(
        _ client: some TestClientProtocol,
        _ user: String,
        _ password: String,
        headers: HTTPFields = [:]
    ) async throws -> (HTTPResponse.Status, HTTPFields) {
        var fields = headers
        fields[.contentType] = "application/json"
        return try await client.execute(
            uri: "/api/auth/login",
            method: .post,
            headers: fields,
            body: ByteBuffer(string: TestAccounts.login(user, password))
        ) { ($0.status, $0.headers) }
    }

    static func me(_ client: some TestClientProtocol, _ headers: HTTPFields) async throws -> (HTTPResponse.Status, [String: Any]) {
        try await client.execute(uri: "/api/me", method: .get, headers: headers) { ($0.status, (try? $0.json()) ?? [:]) }
    }

    static func cookie(_ fields: HTTPFields) throws -> HTTPFields {
        [.cookie: try #require(TestAccounts.sessionCookie(fields))]
    }

    @Test("login sets an HttpOnly, SameSite=Lax session cookie; /api/me names the user; logout and expiry end it")
    func sessionLifecycle() async throws {
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_SESSION_DAYS": "2"], clock: clock, database: database)
        try await app.test(.live) { client in
            let (wrong, _) = try await Self.login(client, TestAccounts.viewerName, "not the password")
            #expect(wrong == .unauthorized)
            // Garbage is a clear 400 (or 413 when too large), and counts as no sign-in attempt.
            for (body, expected) in [
                ("garbage", HTTPResponse.Status.badRequest), (#"{"username": 1}"#, .badRequest),
                (String(repeating: "a", count: 40_000), .contentTooLarge),
            ] {
                let status = try await client.execute(
                    uri: "/api/auth/login",
                    method: .post,
                    headers: [.contentType: "application/json"],
                    body: ByteBuffer(string: body)
                ) { $0.status }
                #expect(status == expected, "\(body.prefix(20))")
            }
            let (status, fields) = try await Self.login(client, TestAccounts.viewerName, TestAccounts.viewerPassword)
            #expect(status == .ok)
            let setCookie = try #require(fields[.setCookie])
            #expect(setCookie.hasPrefix("anikura_session=") && setCookie.contains("HttpOnly") && setCookie.contains("SameSite=Lax"))
            #expect(setCookie.contains("Max-Age=172800") && !setCookie.contains("Secure"))
            let session = try Self.cookie(fields)
            let (meStatus, me) = try await Self.me(client, session)
            #expect(meStatus == .ok && me["username"] as? String == "vic" && me["role"] as? String == "viewer")
            #expect(me["credential"] as? String == "session")
            #expect(!String(describing: me).contains("password"), "no password or hash in the answer")

            let logout = try await client.execute(uri: "/api/auth/logout", method: .post, headers: session) { $0 }
            #expect(logout.status == .noContent && logout.headers[.setCookie]?.contains("Max-Age=0") == true)
            #expect(try await Self.me(client, session).0 == .unauthorized)

            // Sessions end after server.session_days.
            let (_, again) = try await Self.login(client, TestAccounts.adminName, TestAccounts.adminPassword)
            let second = try Self.cookie(again)
            #expect(try await Self.me(client, second).0 == .ok)
            clock.advance(by: 2 * 86_400 + 1)
            #expect(try await Self.me(client, second).0 == .unauthorized)
        }
    }

    @Test("a password change ends the user's other sessions, keeps the one that made it, and the old password stops working")
    func passwordChange() async throws {
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let phone = try Self.cookie(try await Self.login(client, "vic", TestAccounts.viewerPassword).1)
            let laptop = try Self.cookie(try await Self.login(client, "vic", TestAccounts.viewerPassword).1)
            var headers = laptop
            headers[.contentType] = "application/json"
            headers[.secFetchSite] = "same-origin"
            let body = #"{"currentPassword": "vic's long password", "newPassword": "a brand new password"}"#
            let wrong = #"{"currentPassword": "guess", "newPassword": "a brand new password"}"#
            try await client.execute(uri: "/api/me/password", method: .post, headers: headers, body: ByteBuffer(string: wrong)) {
                #expect($0.status == .forbidden)
            }
            let short = #"{"currentPassword": "vic's long password", "newPassword": "short"}"#
            try await client.execute(uri: "/api/me/password", method: .post, headers: headers, body: ByteBuffer(string: short)) {
                #expect($0.status == .badRequest && $0.text.contains("at least 8 characters"))
            }
            try await client.execute(uri: "/api/me/password", method: .post, headers: headers, body: ByteBuffer(string: body)) {
                #expect($0.status == .noContent)
            }
            #expect(try await Self.me(client, phone).0 == .unauthorized)
            #expect(try await Self.me(client, laptop).0 == .ok)
            #expect(try await Self.login(client, "vic", TestAccounts.viewerPassword).0 == .unauthorized)
            #expect(try await Self.login(client, "vic", "a brand new password").0 == .ok)
        }
    }

    @Test("public_url https makes the cookie Secure")
    func secureCookie() async throws {
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_PUBLIC_URL": "https://anime.example.org"], database: database)
        try await app.test(.live) { client in
            let (_, fields) = try await Self.login(client, "ada", TestAccounts.adminPassword)
            #expect(fields[.setCookie]?.hasSuffix("; Secure") == true)
        }
    }

    @Test("10 failed sign-ins lock the account out: the 11th attempt gets 429 with Retry-After even with the right password")
    func throttling() async throws {
        let database = try TestApp.seededDatabase()
        _ = try TestAccounts.add(to: database)
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let app = try await TestApp.build(clock: clock, database: database)
        try await app.test(.live) { client in
            for attempt in 1...10 {
                #expect(try await Self.login(client, "ada", "guess \(attempt)").0 == .unauthorized, "attempt \(attempt)")
            }
            let (locked, fields) = try await Self.login(client, "ada", TestAccounts.adminPassword)
            #expect(locked == .tooManyRequests)
            #expect(fields[.retryAfter] == "900")
            // HTTP Basic with the right password is locked out too (same account, same address).
            try await client.execute(uri: "/api/library", method: .get, headers: TestAccounts.basic("ada", TestAccounts.adminPassword)) {
                #expect($0.status == .tooManyRequests)
            }
            clock.advance(by: 901)
            #expect(try await Self.login(client, "ada", TestAccounts.adminPassword).0 == .ok)
            // A second lock-out within the day lasts twice as long.
            for attempt in 1...10 { _ = try await Self.login(client, "ada", "guess again \(attempt)") }
            let (_, second) = try await Self.login(client, "ada", TestAccounts.adminPassword)
            #expect(second[.retryAfter] == "1800")
        }
    }

    @Test("wrong HTTP Basic passwords and wrong API keys count as failed sign-ins too", arguments: ["basic", "key"])
    func throttlingOtherCredentials(kind: String) async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        let wrong: HTTPFields = kind == "basic" ? TestAccounts.basic("ada", "guess") : [.xApiKey: "ak_guess"]
        let right: HTTPFields = kind == "basic" ? TestAccounts.basic("ada", TestAccounts.adminPassword) : TestAccounts.bearer(accounts.adminKey)
        try await app.test(.live) { client in
            for attempt in 1...10 {
                try await client.execute(uri: "/api/library", method: .get, headers: wrong) {
                    #expect($0.status == .unauthorized, "attempt \(attempt)")
                }
            }
            try await client.execute(uri: "/api/library", method: .get, headers: right) {
                #expect($0.status == .tooManyRequests)
                #expect(Int($0.headers[.retryAfter] ?? "") ?? 0 > 800)
            }
        }
    }

    @Test("a cross-site request riding on a session cookie is refused with 403; the same request from our pages goes through")
    func crossSiteRefused() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let session = try Self.cookie(try await Self.login(client, "vic", TestAccounts.viewerPassword).1)
            let body = ByteBuffer(string: #"{"position": 10, "duration": 100}"#)
            for (name, value) in [(HTTPField.Name.secFetchSite, "cross-site"), (.secFetchSite, "same-site"), (.origin, "http://evil.example")] {
                var headers = session
                headers[name] = value
                try await client.execute(uri: "/api/me/progress/1", method: .put, headers: headers, body: body) {
                    #expect($0.status == .forbidden, "\(name): \(value)")
                    #expect($0.text.contains("Cross-site"))
                }
            }
            // From our own page (the file does not exist: 404, past the check).
            for (name, value) in [(HTTPField.Name.secFetchSite, "same-origin"), (.origin, "http://localhost")] {
                var headers = session
                headers[name] = value
                try await client.execute(uri: "/api/me/progress/1", method: .put, headers: headers, body: body) {
                    #expect($0.status == .notFound, "\(name): \(value)")
                }
            }
            // A key is not sent by browsers on their own, so a request with one is not a forgery.
            var keyed = TestAccounts.bearer(accounts.viewerKey)
            keyed[.secFetchSite] = "cross-site"
            try await client.execute(uri: "/api/me/progress/1", method: .put, headers: keyed, body: body) {
                #expect($0.status == .notFound)
            }
            // Signing in from another site's form is refused too.
            #expect(try await Self.login(client, "vic", TestAccounts.viewerPassword, headers: [.secFetchSite: "cross-site"]).0 == .forbidden)
        }
    }

    @Test("anonymous mirror reads are rate-limited per address (429 with Retry-After); a key is not")
    func anonymousRateLimit() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let app = try await TestApp.build(
            environment: ["ANIKURA_SERVER_ANONYMOUS_RATE_PER_SEC": "0.5", "ANIKURA_SERVER_ANONYMOUS_BURST": "5"],
            clock: clock,
            database: database
        )
        try await app.test(.live) { client in
            for request in 1...5 {
                try await client.execute(uri: "/anime/1", method: .get) { #expect($0.status == .ok, "request \(request)") }
            }
            try await client.execute(uri: "/httpapi?request=anime&aid=1&client=x&clientver=1&protover=1", method: .get) {
                #expect($0.status == .tooManyRequests)
                #expect($0.headers[.retryAfter] == "2")
            }
            for _ in 1...10 {
                try await client.execute(uri: "/anime/1", method: .get, headers: TestAccounts.bearer(accounts.viewerKey)) {
                    #expect($0.status == .ok)
                }
            }
            clock.advance(by: 2)
            try await client.execute(uri: "/anime/1", method: .get) { #expect($0.status == .ok) }
            try await client.execute(uri: "/anime/1", method: .get) { #expect($0.status == .tooManyRequests) }
        }
    }

    @Test("API keys work as Bearer, X-Api-Key and Basic's password; their last use is recorded; a revoked key stops working")
    func apiKeys() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            for headers in [
                TestAccounts.bearer(accounts.viewerKey), [.xApiKey: accounts.viewerKey],
                TestAccounts.basic("anything", accounts.viewerKey),
            ] as [HTTPFields] {
                let (status, me) = try await Self.me(client, headers)
                #expect(status == .ok && me["username"] as? String == "vic" && me["credential"] as? String == "apiKey")
            }
            let listed = try await eventually(within: 5) { try accounts.users.keys().first { $0.userName == "vic" }?.lastUsedAt != nil }
            #expect(listed)
            let id = try #require(try await accounts.users.keys().first { $0.userName == "vic" }?.id)
            try accounts.users.revokeKey(id: id)
            // Revoked from another process (the command line), it stops working within the server's 5 s cache.
            var status = HTTPResponse.Status.ok
            for _ in 0..<80 where status == .ok {
                status = try await Self.me(client, TestAccounts.bearer(accounts.viewerKey)).0
                if status == .ok { try await Task.sleep(for: .milliseconds(100)) }
            }
            #expect(status == .unauthorized)
            #expect(try await Self.me(client, TestAccounts.bearer(accounts.adminKey)).0 == .ok)
        }
    }
}
