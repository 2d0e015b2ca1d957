import Accounts
import ArgumentParser
import Foundation

/// `anikura invite create|list|revoke`: invitations from the command line, as on /settings.
struct InviteCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "invite",
        abstract: "Make, list and revoke invitations: links with which a person makes their own account.",
        subcommands: [Create.self, List.self, Revoke.self]
    )

    static func store(_ options: ConfigOptions) throws -> (InviteStore, AppConfiguration) {
        let configuration = try options.load()
        let database = try AppDatabase.open(path: configuration.databasePath)
        return (InviteStore(writer: database.writer, users: UserStore(writer: database.writer)), configuration)
    }

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Make an invitation and print its link alone on standard output (the code is shown only this once)."
        )
        @OptionGroup var options: ConfigOptions
        @Option(help: "viewer or admin.") var role: String = "viewer"
        @Option(help: "Hours until it expires (1 to 720).") var hours: Int = 72
        @Option(help: "How many accounts it may make (1 to 100).") var uses: Int = 1

        func run() throws {
            guard let role = Role(rawValue: role) else { throw ValidationError("--role must be viewer or admin") }
            let (invites, configuration) = try CommandFailure.wrap { try InviteCommand.store(options) }
            let made = try CommandFailure.wrap {
                try invites.create(role: role, hours: hours, uses: uses, createdBy: nil, now: Date().timeIntervalSince1970)
            }
            let base = configuration.server.access.publicURL
            print((base.hasSuffix("/") ? String(base.dropLast()) : base) + "/join/" + made.code)
            FileHandleStderr.write(
                "anikura: invitation \(made.invite.id ?? 0) for a \(role.rawValue), \(uses) use\(uses == 1 ? "" : "s"), expires "
                    + "\(AccountsCommandSupport.date(made.invite.expiresAt))\(base.isEmpty ? " (set server.public_url for a full link)" : "")\n"
            )
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "List invitations: id, role, uses left, expires, state.")
        @OptionGroup var options: ConfigOptions

        func run() throws {
            let (invites, _) = try CommandFailure.wrap { try InviteCommand.store(options) }
            let list = try CommandFailure.wrap { try invites.list() }
            if list.isEmpty { FileHandleStderr.write("anikura: no invitations\n") }
            let now = Date().timeIntervalSince1970
            for invite in list {
                let state = invite.refusal(now: now).map { InviteRoutes<AppRequestContext>.state($0) } ?? "open"
                print(
                    [String(invite.id ?? 0), invite.role.rawValue, String(invite.usesLeft), AccountsCommandSupport.date(invite.expiresAt), state]
                        .joined(separator: "\t")
                )
            }
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Revoke an invitation by its id (see `invite list`).")
        @OptionGroup var options: ConfigOptions
        @Argument var id: Int64

        func run() throws {
            let (invites, _) = try CommandFailure.wrap { try InviteCommand.store(options) }
            guard try CommandFailure.wrap({ try invites.revoke(id: id, now: Date().timeIntervalSince1970) }) else {
                FileHandleStderr.write("anikura: no invitation \(id) to revoke\n")
                throw ExitCode.failure
            }
            FileHandleStderr.write("anikura: invitation \(id) revoked\n")
        }
    }
}
