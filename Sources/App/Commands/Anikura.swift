import ArgumentParser
import Foundation

/// The one executable: `anikura serve`, `anikura mirror …`. Kept thin; the work lives in the modules.
@main
struct Anikura: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anikura",
        abstract: "A self-hosted companion for anime libraries: AniDB mirror, library, streaming.",
        subcommands: [
            ServeCommand.self, MirrorCommand.self, ParseCommand.self, ScanCommand.self, MatchCommand.self,
            MissingSequelsCommand.self, BackupCommand.self, UserCommand.self, APIKeyCommand.self, InviteCommand.self,
        ],
        defaultSubcommand: ServeCommand.self
    )

    /// Accepts `--config PATH` before the command too (`anikura --config my.toml mirror stats`): argument-parser
    /// options belong to one command, so a leading one is handed to every command through `ANIKURA_CONFIG`.
    static func main() async {
        var arguments = Array(CommandLine.arguments.dropFirst())
        if let first = arguments.first {
            if first == "--config", arguments.count >= 2 {
                setenv("ANIKURA_CONFIG", arguments[1], 1)
                arguments.removeFirst(2)
            } else if first.hasPrefix("--config=") {
                setenv("ANIKURA_CONFIG", String(first.dropFirst("--config=".count)), 1)
                arguments.removeFirst()
            }
        }
        await main(arguments)
    }
}

/// `--config PATH` (or `ANIKURA_CONFIG`), shared by every command.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "Configuration file (default: ANIKURA_CONFIG, else ./config.toml).")
    var config: String?

    func load() throws -> AppConfiguration {
        let environment = ProcessInfo.processInfo.environment
        let explicit = config ?? environment["ANIKURA_CONFIG"]
        let reader = try ConfigReader.load(
            path: explicit ?? "config.toml",
            environment: environment,
            required: explicit != nil
        )
        return try AppConfiguration(reader: reader)
    }
}
