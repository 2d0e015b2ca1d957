import Foundation

@testable import Mirror

#if canImport(Glibc)
import Glibc
#endif

/// The real AniDB responses copied from `shared/fixtures/anidb/` (see Fixtures/SOURCES.md).
enum Fixtures {
    static let modernAIDs = [1, 22, 959, 2322, 5576, 10145, 11021, 13217]
    static let legacyAIDs = [314, 789, 1774, 2596, 4054, 4555, 4726, 5081, 5101, 6022, 9771]

    static var root: URL { Bundle.module.url(forResource: "Fixtures", withExtension: nil)! }

    static func url(_ path: String) -> URL { root.appendingPathComponent(path) }

    static func bytes(_ path: String) -> [UInt8] { Array(try! Data(contentsOf: url(path))) }

    static func anime(_ aid: Int) -> [UInt8] {
        bytes(legacyAIDs.contains(aid) ? "legacy/\(aid).xml" : "anidb/\(aid).xml")
    }
}

/// Minimal but valid AniDB documents for graph and search tests.
enum SyntheticDocument {
    static func make(
        aid: Int,
        title: String? = nil,
        restricted: Bool = false,
        relations: [(Int, String)] = [],
        tags: [(id: Int, name: String, weight: Int)] = [],
        extraTitles: [(lang: String, text: String)] = [],
        update: String = "2020-01-01"
    ) -> [UInt8] {
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<anime id=\"\(aid)\" restricted=\"\(restricted)\">\n"
        xml += "<type>TV Series</type>\n<episodecount>1</episodecount>\n<titles>\n"
        xml += "<title xml:lang=\"x-jat\" type=\"main\">\(XMLText.escape(title ?? "Anime \(aid)"))</title>\n"
        for extra in extraTitles {
            xml += "<title xml:lang=\"\(extra.lang)\" type=\"synonym\">\(XMLText.escape(extra.text))</title>\n"
        }
        xml += "</titles>\n"
        if !relations.isEmpty {
            xml += "<relatedanime>\n"
            for (id, type) in relations { xml += "<anime id=\"\(id)\" type=\"\(type)\">Anime \(id)</anime>\n" }
            xml += "</relatedanime>\n"
        }
        if !tags.isEmpty {
            xml += "<tags>\n"
            for tag in tags {
                xml +=
                    "<tag id=\"\(tag.id)\" weight=\"\(tag.weight)\" localspoiler=\"false\" globalspoiler=\"false\" "
                    + "verified=\"true\" update=\"\(update)\">\n<name>\(tag.name)</name>\n<description>d</description>\n</tag>\n"
            }
            xml += "</tags>\n"
        }
        xml += "<episodes>\n<episode id=\(quote(aid * 1000 + 1)) update=\"\(update)\">\n<epno type=\"1\">1</epno>\n"
        xml += "<length>25</length>\n<title xml:lang=\"en\">Episode 1</title>\n</episode>\n</episodes>\n</anime>\n"
        return Array(xml.utf8)
    }

    private static func quote(_ value: Int) -> String { "\"\(value)\"" }
}

/// A fresh folder under the system temporary directory, removed by `cleanup()`.
struct TemporaryDirectory {
    let path: String

    init() {
        path = NSTemporaryDirectory() + "anikura-test-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    func write(_ name: String, _ bytes: [UInt8], modified: Date? = nil) {
        let file = path + "/" + name
        try! FileManager.default.createDirectory(
            atPath: (file as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        try! Data(bytes).write(to: URL(fileURLWithPath: file))
        if let modified { setModified(name, modified) }
    }

    func setModified(_ name: String, _ date: Date) {
        try! FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: path + "/" + name)
    }

    /// Rewrites a file and puts back its exact modification time (to the nanosecond).
    func overwriteKeepingTime(_ name: String, _ bytes: [UInt8]) {
        var info = stat()
        stat(path + "/" + name, &info)
        write(name, bytes)
        var times = [info.st_atim, info.st_mtim]
        utimensat(AT_FDCWD, path + "/" + name, &times, 0)
    }

    func cleanup() { try? FileManager.default.removeItem(atPath: path) }
}
