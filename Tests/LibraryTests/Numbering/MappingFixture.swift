import Foundation
import Numbering

/// Subsets of the two real community files (Tests/LibraryTests/Fixtures/SOURCES.md says where and when from), and the
/// full files as the demo seed carries them.
enum MappingFixture {
    static var directory: URL { Bundle.module.resourceURL!.appendingPathComponent("Fixtures/mapping") }

    static func bytes(_ name: String) -> [UInt8] {
        [UInt8](try! Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static let list: [AnimeListEntry] = try! AnimeListParser.parse(bytes("anime-list-subset.xml"))
    static let ids: [AnimeIDs] = try! AnimeIDsParser.parse(bytes("anime_ids-subset.json"))
    static let mapping = CommunityMapping(list: list, ids: ids, corrections: [])

    /// The whole of both files, from demo/seed (gzip), parsed once.
    static let full: CommunityMapping = {
        let seed = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("demo/seed")
        func gunzip(_ name: String) -> [UInt8] {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/gzip")
            process.arguments = ["-dc", seed.appendingPathComponent(name).path]
            let pipe = Pipe()
            process.standardOutput = pipe
            try! process.run()
            let data = pipe.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            return [UInt8](data)
        }
        return CommunityMapping(
            list: try! AnimeListParser.parse(gunzip("anime-list-master.xml.gz")),
            ids: try! AnimeIDsParser.parse(gunzip("anime_ids.json.gz")),
            corrections: []
        )
    }()
}
