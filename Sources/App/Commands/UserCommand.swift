import Accounts
import ArgumentParser
import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// `anikura user add|list|remove|passwd`: accounts from the shell, for the first admin and for scripts.
/// Passwords come from standard input (one line), never from the command line, where `ps` would show them.
struct UserCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "user",
        abstract: "Add, list and remove users, and set their passwords.",
        subcommands: [Add.self, List.self, Remove.self, Passwd.self]
    )

    struct Add: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add a user; the password is read as one line from standard input.",
            discussion: "Example: printf '%s\\n' 'a long password' | anikura user add alice --role admin"
        )
        @OptionGroup var options: ConfigOptions
        @Argument(help: "The user name (letters, digits, '.', '-', '_').") var name: String
        @Option(help: "admin (runs the server: scans, matches, users, keys) or viewer (browses and plays).") var role: String

        func validate() throws {
            guard Role(rawValue: role) != nil else { throw ValidationError("--role must be admin or viewer, not '\(role)'") }
        }

        func run() throws {
            try CommandFailure.wrap {
                let users = try AccountsCommandSupport.users(options)
                let password = try AccountsCommandSupport.readPassword()
                let user = try users.add(name: name, role: Role(rawValue: role) ?? .viewer, password: password, now: Date().timeIntervalSince1970)
                FileHandleStderr.write("anikura: added \(user.role.rawValue) '\(user.name)'\n")
            }
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List users: name, role, created.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            let users = try CommandFailure.wrap { try AccountsCommandSupport.users(options).list() }
            if users.isEmpty { FileHandleStderr.write("anikura: no users (on loopback, everything is open)\n") }
            for user in users {
                print([user.name, user.role.rawValue, AccountsCommandSupport.date(user.createdAt)].joined(separator: "\t"))
            }
        }
    }

    struct Remove: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Remove a user, with their sessions, API keys, stream links and watch state."
        )
        @OptionGroup var options: ConfigOptions
        @Argument var name: String

        func run() throws {
            try CommandFailure.wrap {
                try AccountsCommandSupport.users(options).remove(name: name)
                FileHandleStderr.write("anikura: removed '\(name)'\n")
            }
        }
    }

    struct Passwd: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Set a user's password (one line from standard input); their sessions end."
        )
        @OptionGroup var options: ConfigOptions
        @Argument var name: String

        func run() throws {
            try CommandFailure.wrap {
                let users = try AccountsCommandSupport.users(options)
                try users.setPassword(name: name, password: try AccountsCommandSupport.readPassword())
                FileHandleStderr.write("anikura: password of '\(name)' changed; their sessions have ended\n")
            }
        }
    }
}

/// What the account commands share.
enum AccountsCommandSupport {
    static func users(_ options: ConfigOptions) throws -> UserStore {
        let configuration = try options.load()
        return UserStore(writer: try AppDatabase.open(path: configuration.databasePath).writer)
    }

    /// One line from standard input, without its line ending.
    static func readPassword() throws -> String {
        if isatty(0) != 0 { FileHandleStderr.write("password (one line): ") }
        guard var line = readLine(strippingNewline: true) else {
            throw ValidationError("expected the password as one line on standard input")
        }
        if line.hasSuffix("\r") { line.removeLast() }
        return line
    }

    static func date(_ time: Double?) -> String {
        guard let time else { return "never" }
        return ISO8601DateFormatter().string(from: Date(timeIntervalSince1970: time))
    }
}
