import ArgumentParser
import Foundation

/// The one executable: `anikura serve`, `anikura mirror …`. Kept thin; the work lives in the modules.
@main
struct Anikura: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "anikura",
        abstract: "A self-hosted companion for anime libraries: AniDB mirror, library, streaming.",
        subcommands: [ServeCommand.self, MirrorCommand.self],
        defaultSubcommand: ServeCommand.self
    )
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
