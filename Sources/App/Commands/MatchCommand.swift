import ArgumentParser
import Foundation
import Library
import Logging
import Mirror

/// `anikura match [--json]`: matches every library file to its AniDB anime and episode.
struct MatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "match",
        abstract: "Match library files to AniDB anime and episodes (run `anikura scan` first).",
        discussion: """
            Uses the titles dump and the documents the mirror holds; documents it would like are queued for the \
            server to fetch within AniDB's limits. With --json, one {"path","aid","episode","confidence"} object a \
            line; aid and episode are null for a file whose match waits for a person.
            """
    )

    @OptionGroup var options: ConfigOptions
    @Flag(help: "One JSON object a line per file.") var json = false

    func run() async throws {
        let (report, matches) = try await CommandFailure.wrapAsync { () async throws -> (MatchReport, [FileMatch]) in
            let matching = try LibraryMatching.offline(try options.load())
            let report = try await matching.run { done, total in
                guard FileHandleStderr.isTerminal else { return }
                FileHandleStderr.write("\r\u{1B}[Kmatching \(done)/\(total) files…")
            }
            if FileHandleStderr.isTerminal { FileHandleStderr.write("\r\u{1B}[K") }
            return (report, try await matching.index.matches())
        }
        if json {
            for match in matches {
                let line = MatchLine(
                    path: match.path,
                    aid: match.applied ? match.aid : nil,
                    episode: match.applied ? match.episode : nil,
                    confidence: match.confidence
                )
                print(String(decoding: try MatchLine.encoder.encode(line), as: UTF8.self))
            }
        } else {
            for match in matches {
                let aid = match.applied ? match.aid.map { "a\($0)" } ?? "-" : "?"
                let episode = match.applied ? match.episode ?? "-" : "-"
                print(
                    "\(String(format: "%.2f", match.confidence))  \(aid.padding(toLength: 7, withPad: " ", startingAt: 0)) \(episode.padding(toLength: 5, withPad: " ", startingAt: 0)) \(match.path)"
                )
            }
        }
        FileHandleStderr.write(report.summary + "\n")
    }

    /// The stable line shape of DESIGN.md: every key present, nulls included.
    struct MatchLine: Encodable {
        var path: String
        var aid: Int?
        var episode: String?
        var confidence: Double

        static let encoder: JSONEncoder = {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            return encoder
        }()

        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(path, forKey: .path)
            try container.encode(aid, forKey: .aid)
            try container.encode(episode, forKey: .episode)
            try container.encode(confidence, forKey: .confidence)
        }

        enum CodingKeys: String, CodingKey {
            case path, aid, episode, confidence
        }
    }
}

/// `anikura missing-sequels --json`: anime on disk whose sequels (or other relations) are not.
struct MissingSequelsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "missing-sequels",
        abstract: "List anime on disk whose sequels are not on disk (run `anikura match` first)."
    )

    @OptionGroup var options: ConfigOptions
    @Flag(help: "Print the report as JSON.") var json = false
    @Option(help: "Relations to report: comma-separated (sequel,prequel,side-story,…) or all.") var relations = "sequel"

    func run() async throws {
        let (report, documents) = try await CommandFailure.wrapAsync {
            let matching = try LibraryMatching.offline(try options.load())
            let types = MissingRelationsReport.relationTypes(relations)
            if types?.isEmpty == true { throw ValidationError("--relations: a comma-separated list such as sequel,prequel, or all") }
            return try await matching.missingRelations(types: types)
        }
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            print(String(decoding: try encoder.encode(report.entries), as: UTF8.self))
        } else {
            for entry in report.entries {
                print("\(entry.title ?? "a\(entry.aid)") (a\(entry.aid))")
                for missing in entry.missing { print("  missing \(missing.relation): \(missing.title ?? "?") (a\(missing.aid))") }
            }
        }
        if !report.undocumented.isEmpty {
            FileHandleStderr.write(
                "\(report.undocumented.count) anime on disk have no AniDB document in the mirror yet; their relations are unknown\n"
            )
        }
        if let message = documents?.message { FileHandleStderr.write(message + "\n") }
    }
}

extension LibraryMatching {
    /// Matching for a command: the same database; documents it wants go into the persistent queue, which the
    /// server's fetcher works through. The command itself never contacts AniDB.
    static func offline(_ configuration: AppConfiguration) throws -> LibraryMatching {
        let database = try AppDatabase.open(path: configuration.databasePath)
        let store = MirrorStore(writer: database.writer)
        return LibraryMatching(
            index: LibraryIndex(writer: database.writer),
            store: store,
            fetcher: .offline(configuration, store: store),
            mappingFiles: MappingFiles(directory: configuration.dataDir, store: store, ledger: store),
            minConfidence: configuration.minConfidence,
            logger: Logger(label: "anikura") { _ in SwiftLogNoOpLogHandler() }
        )
    }
}

extension Fetcher {
    /// A command's fetcher: it never runs, so it never contacts AniDB; what it queues, the server fetches.
    static func offline(_ configuration: AppConfiguration, store: MirrorStore) -> Fetcher {
        Fetcher(
            store: store,
            transport: OfflineTransport(),
            clock: SystemClock(),
            settings: configuration.mirror.fetcherSettings(dataDirectory: configuration.dataDir),
            metrics: MirrorMetrics(),
            logger: Logger(label: "anikura") { _ in SwiftLogNoOpLogHandler() }
        )
    }
}

/// The transport of a fetcher that never runs (a command's): queueing needs a fetcher, fetching is the server's.
struct OfflineTransport: AniDBTransport {
    func get(_ url: String) async throws(TransportError) -> TransportResponse {
        throw TransportError("this command does not contact AniDB; `anikura serve` fetches queued documents")
    }

    func shutdown() async {}
}
