import ArgumentParser
import Foundation
import Logging
import Mirror
import MirrorPostgres

struct MirrorCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mirror",
        abstract: "Work with the AniDB mirror.",
        subcommands: [
            ImportCommand.self, TitlesCommand.self, MappingImportCommand.Mapping.self, MappingImportCommand.IDs.self, GetCommand.self,
            StatsCommand.self, MigrateCommand.self,
        ]
    )

    struct ImportCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "import",
            abstract: "Import a folder of AniDB documents (<aid>.xml, AnimeDoc_<aid>.xml, zip archives of them)."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The folder to import.") var directory: String
        @Flag(help: "List every skipped file with its reason.") var verbose = false

        func run() async throws {
            let configuration = try CommandFailure.wrap { try options.load() }
            let report = try CommandFailure.wrap {
                let database = try AppDatabase.open(path: configuration.databasePath)
                // This process only imports, so a bulk load may leave the WAL (a rollback journal writes each page once).
                let importer = SeedImporter(store: MirrorStore(writer: database.writer), rollbackJournalForBulkLoad: true)
                let terminal = FileHandleStderr.isTerminal
                return try importer.run(directory: directory) { progress in
                    guard terminal else { return }
                    if progress.phase == .indexing {
                        FileHandleStderr.write("\r\u{1B}[Kimported \(progress.done) files, building indexes…")
                        return
                    }
                    let rate = progress.elapsed > 0 ? Int(Double(progress.done) / progress.elapsed) : 0
                    FileHandleStderr.write(
                        "\r\u{1B}[Kimporting \(progress.done)/\(progress.total) files, \(rate)/s, "
                            + "\(progress.failed) errors"
                    )
                }
            }
            if FileHandleStderr.isTerminal { FileHandleStderr.write("\r\u{1B}[K") }
            for failure in verbose ? report.failures : Array(report.failures.prefix(20)) {
                FileHandleStderr.write("skipped \(failure.file): \(failure.reason)\n")
            }
            if !verbose && report.failures.count > 20 {
                FileHandleStderr.write("… and \(report.failures.count - 20) more (use --verbose to list all)\n")
            }
            print(report.summary)
            if let address = configuration.mirror.database {
                let shared = try await CommandFailure.wrapAsync { () async throws -> PostgresMirrorCopy.Report in
                    let database = try AppDatabase.open(path: configuration.databasePath)
                    let store = MirrorStore(writer: database.writer)
                    let fingerprint = SeedFingerprint.of(try store.seedFileStates())
                    return try await ClusterMirror.with(address, store: store, logger: MirrorCommand.quietLogger) { cluster in
                        try await cluster.copier.shareSeed(fingerprint: fingerprint)
                    }
                }
                print(
                    shared.alreadyShared
                        ? "already in PostgreSQL (\(address)): nothing copied"
                        : "shared in PostgreSQL (\(address)): \(shared.documents) documents"
                )
            }
        }
    }

    /// Errors only: a command prints its own outcome.
    static let quietLogger: Logger = {
        var logger = Logger(label: "anikura") { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = .error
        return logger
    }()

    struct MigrateCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "migrate",
            abstract: "Copy this machine's mirror into a shared PostgreSQL database, to run several instances on it.",
            discussion: """
                Copies the documents, every upstream request of the ledger (so the day's AniDB budget and the once-a-day \
                rule carry over), the refresh queue, the not-found memory, a ban or back-off, and the titles dump. \
                Safe to run again. Then set mirror.database_url to the same address on every instance.
                """
        )

        @OptionGroup var options: ConfigOptions
        @Option(name: .long, help: "The PostgreSQL database: postgres://user:password@host:5432/database") var to: String

        func run() async throws {
            let report = try await CommandFailure.wrapAsync { () async throws -> PostgresMirrorCopy.Report in
                let configuration = try options.load()
                let address: PostgresAddress
                do { address = try PostgresAddress(url: to) } catch let error as PostgresAddress.Invalid { throw ValidationError(error.description) }
                let database = try AppDatabase.open(path: configuration.databasePath)
                let store = MirrorStore(writer: database.writer)
                let titlesPath = configuration.dataDir + "/anime-titles.xml.gz"
                let titles = FileManager.default.contents(atPath: titlesPath).map { [UInt8]($0) }
                let titlesTime = (try? FileManager.default.attributesOfItem(atPath: titlesPath))?[.modificationDate] as? Date
                let terminal = FileHandleStderr.isTerminal
                FileHandleStderr.write("copying \(configuration.databasePath) into \(address)\n")
                return try await ClusterMirror.with(address, store: store, logger: MirrorCommand.quietLogger) { cluster in
                    try await cluster.copier.migrate(
                        source: "\(ClusterMirror.hostName()):\(configuration.databasePath)",
                        titlesDump: titles,
                        titlesFetchedAt: titlesTime?.timeIntervalSince1970
                    ) { done, total in
                        if terminal { FileHandleStderr.write("\r\u{1B}[Kdocuments: \(done)/\(total)") }
                    }
                }
            }
            if FileHandleStderr.isTerminal { FileHandleStderr.write("\r\u{1B}[K") }
            print(
                "copied \(report.documents) documents, \(report.requests) upstream requests, \(report.queued) queued aids, "
                    + "\(report.notFound) not-found answers\(report.titles ? ", the titles dump" : "")"
            )
            print("now set mirror.database_url to this address on every instance")
        }
    }

    struct TitlesCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "titles",
            abstract: "Import an AniDB titles dump you already have (anime-titles.xml.gz, or its XML).",
            discussion: "It counts as downloaded when the file was last modified: the daily download waits a day from then."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The titles dump file.") var file: String

        func run() async throws {
            let count = try await CommandFailure.wrapAsync { () async throws -> Int in
                guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else {
                    throw ValidationError("cannot read \(file): no such file, or not readable")
                }
                let size = (attributes[.size] as? Int) ?? 0
                guard size <= 256 << 20 else { throw ValidationError("\(file) is \(size) bytes: too large for a titles dump") }
                guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
                let modified = (attributes[.modificationDate] as? Date) ?? Date()
                let configuration = try options.load()
                let database = try AppDatabase.open(path: configuration.databasePath)
                let store = MirrorStore(writer: database.writer)
                return try await Fetcher.offline(configuration, store: store)
                    .importTitles([UInt8](data), fetchedAt: modified.timeIntervalSince1970)
            }
            print("imported the titles of \(count) anime")
        }
    }

    struct GetCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "get",
            abstract: "Print the stored AniDB document for an aid."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The AniDB anime id.") var aid: String
        @Flag(help: "Leave adult tags out, as mature=false does.") var safe = false

        func run() async throws {
            let document = try await CommandFailure.wrapAsync { () async throws -> ServedBuffer in
                guard let value = Int(aid), value > 0, value <= RequestParsing.maxAID else {
                    throw ValidationError("aid must be a positive integer, got '\(aid)'")
                }
                let configuration = try options.load()
                let database = try AppDatabase.open(path: configuration.databasePath)
                guard let document = try await MirrorStore(writer: database.writer).servedDocument(aid: value, mature: !safe)
                else { throw ValidationError("aid \(value) is not in the mirror") }
                return document
            }
            FileHandle.standardOutput.write(Data(document.xml))
        }
    }

    struct StatsCommand: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "stats", abstract: "Print counts of what is stored.")

        @OptionGroup var options: ConfigOptions

        func run() async throws {
            let counts = try await CommandFailure.wrapAsync {
                let configuration = try options.load()
                let database = try AppDatabase.open(path: configuration.databasePath)
                return try await MirrorStore(writer: database.writer).counts()
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            print(String(decoding: try encoder.encode(counts), as: UTF8.self))
        }
    }
}
