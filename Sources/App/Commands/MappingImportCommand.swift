import ArgumentParser
import Foundation
import Mirror
import Numbering

/// `anikura mirror mapping FILE` and `anikura mirror ids FILE`: keep a community mapping file someone already has,
/// as `anikura mirror titles FILE` does for the titles dump. The file must parse whole; a refused file replaces
/// nothing and says why.
struct MappingImportCommand {
    static func run(_ kind: MappingFileKind, file: String, options: ConfigOptions) async throws {
        let entries = try await CommandFailure.wrapAsync { () async throws -> Int in
            guard let attributes = try? FileManager.default.attributesOfItem(atPath: file) else {
                throw ValidationError("cannot read \(file): no such file, or not readable")
            }
            let size = (attributes[.size] as? Int) ?? 0
            guard size <= MappingFileKind.maxBytes else { throw ValidationError("\(file) is \(size) bytes: too large for \(kind.fileName)") }
            guard let data = FileManager.default.contents(atPath: file) else { throw ValidationError("cannot read \(file)") }
            var bytes = [UInt8](data)
            if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, limit: MappingFileKind.maxBytes) }
            let modified = (attributes[.modificationDate] as? Date) ?? Date()
            let configuration = try options.load()
            let database = try AppDatabase.open(path: configuration.databasePath)
            let store = MirrorStore(writer: database.writer)
            let files = MappingFiles(directory: configuration.dataDir, store: store, ledger: store)
            do {
                return try await files.install(kind, bytes: bytes, fetchedAt: modified.timeIntervalSince1970, share: false)
            } catch let error as MappingFileError {
                throw ValidationError("\(file) was not imported (nothing was replaced): \(error.description)")
            }
        }
        print("imported \(kind.fileName): \(entries) anime")
    }

    struct Mapping: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "mapping",
            abstract: "Import Anime-Lists' anime-list-master.xml (or its .gz) you already have.",
            discussion: "It counts as downloaded when the file was last modified. The server matches the library again."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The anime-list-master.xml file.") var file: String

        func run() async throws { try await MappingImportCommand.run(.animeList, file: file, options: options) }
    }

    struct IDs: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ids",
            abstract: "Import Kometa's anime_ids.json (or its .gz) you already have.",
            discussion: "It counts as downloaded when the file was last modified. The server matches the library again."
        )

        @OptionGroup var options: ConfigOptions
        @Argument(help: "The anime_ids.json file.") var file: String

        func run() async throws { try await MappingImportCommand.run(.animeIDs, file: file, options: options) }
    }
}
