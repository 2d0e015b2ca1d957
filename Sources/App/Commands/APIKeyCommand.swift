import Accounts
import ArgumentParser
import Foundation

/// `anikura apikey create|list|revoke`: keys for scripts and clients, each revocable on its own.
struct APIKeyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "apikey",
        abstract: "Create, list and revoke API keys.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make a key for a user and print it alone on standard output (it is shown only this once).",
            discussion: "Send it as `Authorization: Bearer KEY`, `X-Api-Key: KEY`, or as the password of HTTP Basic."
        )
        @OptionGroup var options: ConfigOptions
        @Option(help: "The user the key acts as.") var user: String
        @Option(help: "What the key is for (e.g. \"kometa on nas\").") var label: String

        func run() throws {
            let made = try CommandFailure.wrap {
                try AccountsCommandSupport.users(options).createKey(userName: user, label: label, now: Date().timeIntervalSince1970)
            }
            print(made.key)
            FileHandleStderr.write("anikura: API key \(made.id) made for '\(user)'; it is not shown again\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List keys: id, label, user, created, last used.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            let keys = try CommandFailure.wrap { try AccountsCommandSupport.users(options).keys() }
            if keys.isEmpty { FileHandleStderr.write("anikura: no API keys\n") }
            for key in keys {
                print(
                    [
                        String(key.id), key.label, key.userName, AccountsCommandSupport.date(key.createdAt),
                        AccountsCommandSupport.date(key.lastUsedAt),
                    ].joined(separator: "\t")
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke a key by its id (see `apikey list`).")
        @OptionGroup var options: ConfigOptions
        @Argument var id: Int64

        func run() throws {
            try CommandFailure.wrap {
                try AccountsCommandSupport.users(options).revokeKey(id: id)
                FileHandleStderr.write("anikura: API key \(id) revoked (a running server stops accepting it within 5 s)\n")
            }
        }
    }
}
