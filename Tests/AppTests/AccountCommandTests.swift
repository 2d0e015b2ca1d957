import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// `anikura user …` and `anikura apikey …`, run as the real executable against a data folder a server also uses.
@Suite("account commands")
struct AccountCommandTests {
    let cli = CommandLineTests()

    @Test("user add/list/passwd/remove read passwords from standard input and refuse bad input with one clear line")
    func users() async throws {
        try await cli.withDataDirectory { environment in
            let added = try await cli.run(["user", "add", "ada", "--role", "admin"], environment: environment, input: "first password\n")
            #expect(added.status == 0, "\(added.standardError)")
            #expect(added.standardError.contains("added admin 'ada'"))
            for (arguments, input, message) in [
                (["user", "add", "ada", "--role", "viewer"], "another password\n", "a user named 'ada' already exists"),
                (["user", "add", "bob", "--role", "viewer"], "short\n", "at least 8 characters"),
                (["user", "add", "bob", "--role", "owner"], "a long password\n", "--role must be admin or viewer"),
                (["user", "add", "b b", "--role", "viewer"], "a long password\n", "not a valid user name"),
                (["user", "add", "bob", "--role", "viewer"], "", "expected the password as one line on standard input"),
                (["user", "remove", "nobody"], "", "no user named 'nobody'"),
            ] {
                let refused = try await cli.run(arguments, environment: environment, input: input)
                #expect(refused.status != 0, "\(arguments)")
                #expect(refused.standardError.contains(message), "\(arguments): \(refused.standardError)")
            }
            _ = try await cli.run(["user", "add", "bob", "--role", "viewer"], environment: environment, input: "bob's password\r\n")
            let list = try await cli.run(["user", "list"], environment: environment)
            let rows = list.text.split(separator: "\n").map { $0.split(separator: "\t").prefix(2).joined(separator: " ") }
            #expect(rows == ["ada admin", "bob viewer"])
            #expect(!list.text.contains("password") && !list.text.contains("$2"), "no hashes listed")

            let database = try AppDatabase.open(path: environment["ANIKURA_STORAGE_DATA_DIR"]! + "/anikura.sqlite")
            let store = UserStore(writer: database.writer)
            #expect(try await RawSocket.offPool { try store.verify(name: "bob", password: "bob's password") } != nil, "the CR is not part of it")
            let changed = try await cli.run(["user", "passwd", "bob"], environment: environment, input: "bob's new password\n")
            #expect(changed.status == 0 && changed.standardError.contains("sessions have ended"))
            #expect(try await RawSocket.offPool { try store.verify(name: "bob", password: "bob's new password") } != nil)
            // The last admin stays while other users remain.
            let last = try await cli.run(["user", "remove", "ada"], environment: environment)
            #expect(last.status != 0 && last.standardError.contains("last admin"))
            #expect(try await cli.run(["user", "remove", "bob"], environment: environment).status == 0)
            #expect(try await store.list().map(\.name) == ["ada"])
        }
    }

    @Test("apikey create prints the key alone; a server on the same data folder accepts it; list shows its use; revoke ends it")
    func apiKeys() async throws {
        try await cli.withDataDirectory { environment in
            _ = try await cli.run(["user", "add", "kometa", "--role", "viewer"], environment: environment, input: "kometa's password\n")
            let created = try await cli.run(["apikey", "create", "--user", "kometa", "--label", "kometa on the nas"], environment: environment)
            #expect(created.status == 0, "\(created.standardError)")
            let key = created.text.trimmingCharacters(in: .newlines)
            #expect(created.text == key + "\n" && key.hasPrefix("ak_") && key.count == 46, "only the key on standard output")
            let unknown = try await cli.run(["apikey", "create", "--user", "nobody", "--label", "x"], environment: environment)
            #expect(unknown.status != 0 && unknown.standardError.contains("no user named 'nobody'") && unknown.text.isEmpty)

            let database = try AppDatabase.open(path: environment["ANIKURA_STORAGE_DATA_DIR"]! + "/anikura.sqlite")
            let app = try await TestApp.build(environment: environment, database: database)
            try await app.test(.live) { client in
                try await client.execute(uri: "/api/me", method: .get, headers: [.xApiKey: key]) { response in
                    let name = try response.json()["username"] as? String
                    #expect(response.status == .ok && name == "kometa")
                }
                var listed = ""
                for _ in 0..<50 where !listed.contains("\tkometa\t") || listed.hasSuffix("never\n") {
                    listed = try await cli.run(["apikey", "list"], environment: environment).text
                    try await Task.sleep(for: .milliseconds(100))
                }
                let fields = listed.split(separator: "\n").first?.split(separator: "\t").map(String.init) ?? []
                #expect(fields.count == 5 && fields[0] == "1" && fields[1] == "kometa on the nas" && fields[2] == "kometa")
                #expect(fields.last != "never", "last used is recorded")
                #expect(!listed.contains(key))
                let revoked = try await cli.run(["apikey", "revoke", "1"], environment: environment)
                #expect(revoked.status == 0)
                var status = HTTPResponse.Status.ok
                for _ in 0..<80 where status == .ok {
                    status = try await client.execute(uri: "/api/me", method: .get, headers: [.xApiKey: key]) { $0.status }
                    if status == .ok { try await Task.sleep(for: .milliseconds(100)) }
                }
                #expect(status == .unauthorized)
            }
            let again = try await cli.run(["apikey", "revoke", "1"], environment: environment)
            #expect(again.status != 0 && again.standardError.contains("no API key with id 1"))
        }
    }

    @Test("serve on a network address with no admin user refuses to start, with one line that says how to add one")
    func publicBindRefused() async throws {
        try await cli.withDataDirectory { environment in
            let refused = try await cli.run(["serve"], environment: environment.merging(["ANIKURA_SERVER_BIND": "0.0.0.0:0"]) { $1 })
            #expect(refused.status == 1)
            let lines = refused.standardError.split(separator: "\n")
            #expect(lines.count == 1 && lines[0].contains("needs an admin user") && lines[0].contains("anikura user add"), "\(lines)")
        }
    }
}
