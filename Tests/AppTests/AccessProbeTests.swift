import Accounts
import AniDBFake
import AsyncHTTPClient
import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdBcrypt
import HummingbirdTesting
import NIOCore
import NIOHTTP1
import Testing

@testable import App

/// The holes a probe of the running server found (issue 30, points 1 to 4), each over real sockets: DNS rebinding
/// of an open install, sign-in bursts raced past the throttle, passwords cut short, and look-alike user names.
@Suite("access: the probe's findings")
struct AccessProbeTests {
    /// An HTTP client with room for many connections to one host (the default pool would queue a burst).
    static func client() -> HTTPClient {
        var configuration = HTTPClient.Configuration()
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = 128
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    static func send(
        _ http: HTTPClient,
        port: Int,
        _ method: HTTPMethod,
        _ path: String,
        headers: [(String, String)] = [],
        body: String? = nil
    ) async throws -> (status: UInt, text: String) {
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(port)\(path)")
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response = try await http.execute(request, timeout: .seconds(120))
        return (response.status.code, String(buffer: try await response.body.collect(upTo: 1 << 20)))
    }

    static func json(_ object: [String: String]) -> String {
        String(decoding: try! JSONSerialization.data(withJSONObject: object), as: UTF8.self)
    }

    static func withClient<T>(_ body: (HTTPClient) async throws -> T) async throws -> T {
        let http = client()
        do {
            let result = try await body(http)
            try await http.shutdown()
            return result
        } catch {
            try await http.shutdown()
            throw error
        }
    }

    @Test("an open install answers only to its own names: a rebound Host gets 421 on setup, folders and scans; its own names and allowed_hosts work")
    func rebindingRefused() async throws {
        let app = try await TestApp.build(environment: ["ANIKURA_SERVER_ALLOWED_HOSTS": "anime.home.lan"])
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await Self.withClient { (http: HTTPClient) async throws in
                let setup = TestAccounts.login("mallory", "mallory's long password")
                for (method, path, body) in [
                    (HTTPMethod.POST, "/api/auth/setup", setup as String?), (.GET, "/api/library/folders", nil),
                    (.POST, "/api/library/scan", "{}"), (.GET, "/api/users", nil),
                ] {
                    let answer = try await Self.send(
                        http,
                        port: port,
                        method,
                        path,
                        headers: [("Host", "evil.example:\(port)"), ("Sec-Fetch-Site", "same-origin"), ("Origin", "http://evil.example:\(port)")],
                        body: body
                    )
                    #expect(answer.status == 421, "\(method) \(path)")
                    #expect(answer.text.contains("server.allowed_hosts"), "\(answer.text)")
                }
                // Still open, nobody took it over.
                let available = try await Self.send(http, port: port, .GET, "/api/auth/setup", headers: [("Host", "localhost:\(port)")])
                #expect(available.status == 200 && available.text.contains("true"))
                for host in ["localhost:\(port)", "127.0.0.1:\(port)", "[::1]:\(port)", "anime.home.lan:\(port)", "LOCALHOST."] {
                    let answer = try await Self.send(http, port: port, .GET, "/api/library/folders", headers: [("Host", host)])
                    #expect(answer.status == 200, "\(host)")
                }
                // Once there are users, a rebound name carries none of their credentials: the install answers any name.
                let created = try await Self.send(
                    http,
                    port: port,
                    .POST,
                    "/api/auth/setup",
                    headers: [("Host", "localhost:\(port)"), ("Sec-Fetch-Site", "same-origin")],
                    body: TestAccounts.login("ada", "ada's long password")
                )
                #expect(created.status == 201)
                #expect(
                    await eventually {
                        (try? await Self.send(http, port: port, .GET, "/api/library/folders", headers: [("Host", "evil.example")]))?.status == 401
                    }
                )
            }
        }
    }

    @Test("60 concurrent sign-ins for one account, 59 wrong and the right one last: at most the limit's worth are checked, the rest get 429")
    func concurrentSignIns() async throws {
        let database = try TestApp.seededDatabase()
        // A realistic bcrypt cost, so the checks overlap as they do on a real server.
        let users = UserStore(writer: database.writer, cost: 10)
        try users.add(name: "ada", role: .admin, password: "ada's long password", now: Date().timeIntervalSince1970)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let statuses = try await Self.withClient { (http: HTTPClient) async throws in
                try await withThrowingTaskGroup(of: UInt.self) { group in
                    for attempt in 0..<60 {
                        let password = attempt == 59 ? "ada's long password" : "guess number \(attempt)"
                        group.addTask {
                            try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login("ada", password)).status
                        }
                    }
                    return try await group.reduce(into: [UInt]()) { $0.append($1) }
                }
            }
            let checked = statuses.count { $0 == 200 || $0 == 401 }
            #expect(checked <= 10, "passwords checked: \(checked) (\(statuses.count { $0 == 401 }) × 401)")
            #expect(statuses.count { $0 == 429 } >= 50)
            #expect(statuses.allSatisfy { [200, 401, 429].contains($0) })
        }
    }

    @Test("40 concurrent wrong API keys from one address: at most the limit's worth get 401; 50 concurrent right ones all get 200")
    func concurrentKeys() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await Self.withClient { (http: HTTPClient) async throws in
                // The right key first, concurrently and never seen: nobody is refused for the others' sake.
                let right = try await withThrowingTaskGroup(of: UInt.self) { group in
                    for _ in 0..<50 {
                        group.addTask {
                            try await Self.send(http, port: port, .GET, "/api/me", headers: [("X-Api-Key", accounts.viewerKey)]).status
                        }
                    }
                    return try await group.reduce(into: [UInt]()) { $0.append($1) }
                }
                #expect(right.allSatisfy { $0 == 200 }, "\(right)")
                let wrong = try await withThrowingTaskGroup(of: UInt.self) { group in
                    for attempt in 0..<40 {
                        group.addTask {
                            try await Self.send(http, port: port, .GET, "/api/me", headers: [("X-Api-Key", "ak_wrong\(attempt)")]).status
                        }
                    }
                    return try await group.reduce(into: [UInt]()) { $0.append($1) }
                }
                #expect(wrong.count { $0 == 401 } <= 10, "\(wrong.count { $0 == 401 }) × 401")
                #expect(wrong.count { $0 == 429 } >= 30)
            }
        }
    }

    @Test("every byte of a password counts; NUL and other control characters are refused on every path; older hashes are upgraded at sign-in")
    func passwordsWhole() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let long = String(repeating: "p", count: 72) + "the part bcrypt never read"
        try accounts.users.add(name: "lena", role: .viewer, password: long, now: 0)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await Self.withClient { (http: HTTPClient) async throws in
                let wrongTail = String(repeating: "p", count: 72) + "anything else at all"
                #expect(try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login("lena", wrongTail)).status == 401)
                #expect(try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login("lena", long)).status == 200)
                // Adding a user, and changing one's own password, refuse control characters with a sentence.
                let admin = [("Authorization", "Bearer \(accounts.adminKey)")]
                for password in ["abcdefgh\u{0}ijkl", String(repeating: "\u{0}", count: 8), "tab\tinside it", "line\nbreak here"] {
                    let body = Self.json(["name": "newbie", "role": "viewer", "password": password])
                    let added = try await Self.send(http, port: port, .POST, "/api/users", headers: admin, body: body)
                    #expect(added.status == 400 && added.text.contains("control characters"), "\(added)")
                    let change = Self.json(["currentPassword": TestAccounts.viewerPassword, "newPassword": password])
                    let changed = try await Self.send(
                        http,
                        port: port,
                        .POST,
                        "/api/me/password",
                        headers: [("Authorization", "Bearer \(accounts.viewerKey)")],
                        body: change
                    )
                    #expect(changed.status == 400 && changed.text.contains("control characters"), "\(changed)")
                }
                // A password with a NUL never signs in as its part before the NUL.
                try accounts.users.add(name: "nul", role: .viewer, password: "abcdefgh", now: 0)
                #expect(
                    try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login("nul", "abcdefgh\u{0}ijkl")).status
                        == 401
                )

                // A user whose hash is plain bcrypt (made before) signs in, and the hash becomes the current kind.
                try await database.writer.write { db in
                    try db.execute(sql: "UPDATE appUser SET passwordHash = ? WHERE name = 'nul'", arguments: [Bcrypt.hash("abcdefgh", cost: 4)])
                }
                #expect(try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login("nul", "abcdefgh")).status == 200)
                let hash = try await database.writer.read { try String.fetchOne($0, sql: "SELECT passwordHash FROM appUser WHERE name = 'nul'") }
                #expect(hash?.hasPrefix("sha256-bcrypt$") == true)
                #expect(try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login("nul", "abcdefgh")).status == 200)
            }
        }
        // The command line and the first admin's setup refuse them too (the store is what they all call).
        #expect(throws: AccountError.invalidPassword) {
            try UserStore(writer: database.writer, cost: 4).setPassword(name: "lena", password: "new\u{0}password")
        }
    }

    @Test("user names compare in NFKC with full case folding, lock-outs too; look-alikes and mixed scripts are refused")
    func userNames() async throws {
        let database = try TestApp.seededDatabase()
        let users = UserStore(writer: database.writer, cost: 4)
        try users.add(name: "admin1", role: .admin, password: "admin's long password", now: 0)
        try users.add(name: "Émile", role: .viewer, password: "émile's long password", now: 0)
        try users.add(name: "Straße", role: .viewer, password: "the street's password", now: 0)
        try users.add(name: "seo", role: .viewer, password: "seo's long password", now: 0)
        try users.add(name: "Ivan", role: .viewer, password: "ivan's long password", now: 0)
        // Full-width, Unicode case and ß: the same names.
        for twin in ["ＡＤＭＩＮ１", "ADMIN1", "émile", "ÉMILE", "STRASSE", "strasse"] {
            #expect(throws: AccountError.self, "\(twin)") { try users.add(name: twin, role: .viewer, password: "another long password", now: 0) }
            #expect(try await users.user(named: twin) != nil, "\(twin) finds its user")
        }
        // A Cyrillic а in a Latin name, a name all in look-alike Cyrillic, 0 for O, l for I.
        #expect(throws: AccountError.mixedScripts("аdmin1", script: "Cyrillic", letters: "а")) {
            try users.add(name: "аdmin1", role: .viewer, password: "another long password", now: 0)
        }
        for lookalike in ["ѕео", "adminl", "lvan", "seо"] where UserNames.isValid(lookalike) {
            #expect(throws: AccountError.self, "\(lookalike)") {
                try users.add(name: lookalike, role: .viewer, password: "another long password", now: 0)
            }
        }
        #expect(throws: AccountError.confusableName("ѕео", existing: "seo")) {
            try users.add(name: "ѕео", role: .viewer, password: "another long password", now: 0)
        }
        // Names of other scripts are fine.
        try users.add(name: "さくら", role: .viewer, password: "sakura's long password", now: 0)
        try users.add(name: "Фёдор", role: .viewer, password: "fyodor's long password", now: 0)

        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let port = try #require(client.port)
            try await Self.withClient { (http: HTTPClient) async throws in
                func login(_ name: String, _ password: String) async throws -> UInt {
                    try await Self.send(http, port: port, .POST, "/api/auth/login", body: TestAccounts.login(name, password)).status
                }
                #expect(try await login("ÉMILE", "émile's long password") == 200)
                #expect(try await login("STRASSE", "the street's password") == 200)
                #expect(try await login("ＡＤＭＩＮ１", "admin's long password") == 200)
                // Ten wrong passwords for one spelling lock out that account under every spelling.
                for _ in 0..<10 { #expect(try await login("émile", "wrong") == 401) }
                #expect(try await login("ÉMILE", "émile's long password") == 429)
            }
        }
    }
}

@Suite("access: behind a reverse proxy")
struct TrustedProxyTests {
    @Test("X-Forwarded-For counts only from server.trusted_proxies: each client behind the proxy is throttled alone, and a client cannot spoof it")
    func forwardedFor() async throws {
        for trusted in [true, false] {
            let database = try TestApp.seededDatabase()
            _ = try TestAccounts.add(to: database)
            let environment = trusted ? ["ANIKURA_SERVER_TRUSTED_PROXIES": #"["10.0.0.0/8", "127.0.0.1"]"#] : [:]
            let app = try await TestApp.build(environment: environment, database: database)
            try await app.test(.live) { client in
                let port = try #require(client.port)
                try await AccessProbeTests.withClient { (http: HTTPClient) async throws in
                    func login(_ forwarded: String, _ password: String) async throws -> UInt {
                        try await AccessProbeTests.send(
                            http,
                            port: port,
                            .POST,
                            "/api/auth/login",
                            // What a client says comes first; the proxy appends the address it saw.
                            headers: [("X-Forwarded-For", "198.51.100.7, \(forwarded)")],
                            body: TestAccounts.login(TestAccounts.viewerName, password)
                        ).status
                    }
                    // One client behind the proxy guesses ten times, each with a different name for the account.
                    for guess in 0..<10 {
                        let status = try await AccessProbeTests.send(
                            http,
                            port: port,
                            .POST,
                            "/api/auth/login",
                            headers: [("X-Forwarded-For", "203.0.113.5")],
                            body: TestAccounts.login("nobody\(guess)", "wrong")
                        ).status
                        #expect(status == 401)
                    }
                    // That client is locked out; another behind the same proxy is not, when the proxy is trusted.
                    #expect(try await login("203.0.113.5", TestAccounts.viewerPassword) == 429)
                    #expect(try await login("203.0.113.9", TestAccounts.viewerPassword) == (trusted ? 200 : 429))
                }
            }
        }
    }

    @Test("the client's address: right-most untrusted hop, IPv6 and mapped IPv4, malformed hops stop the walk")
    func addresses() throws {
        let proxies = try TrustedProxies.parse(["10.0.0.0/8", "::1", "fd00::/8"]).get()
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.1.1.1, 2.2.2.2"]) == "2.2.2.2")
        #expect(proxies.clientAddress(peer: "10.1.2.3", forwardedFor: ["1.1.1.1", "2.2.2.2, 10.9.9.9"]) == "2.2.2.2")
        #expect(proxies.clientAddress(peer: "::1", forwardedFor: ["2001:db8::5"]) == "2001:db8::5")
        #expect(proxies.clientAddress(peer: "::ffff:10.0.0.1", forwardedFor: ["2.2.2.2"]) == "2.2.2.2")
        #expect(proxies.clientAddress(peer: "10.0.0.1", forwardedFor: ["1.1.1.1, garbage"]) == "10.0.0.1")
        #expect(proxies.clientAddress(peer: "192.0.2.1", forwardedFor: ["1.1.1.1"]) == "192.0.2.1")
        #expect(proxies.clientAddress(peer: "fd12::1", forwardedFor: []) == "fd12::1")
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies.parse(["10.0.0.0/33"]).get() }
        #expect(throws: TrustedProxies.ParseError.self) { try TrustedProxies.parse(["proxy.lan"]).get() }
    }
}
