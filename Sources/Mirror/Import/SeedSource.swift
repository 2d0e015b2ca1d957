import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// One candidate document in a seed: a file, or an entry of a zip archive.
struct SeedSource: Sendable {
    enum Location: Sendable {
        case file(path: String)
        case zipEntry(archive: String, entry: ZipArchive.Entry)
    }

    var location: Location
    var aid: Int
    var size: Int
    var modifiedAt: Double

    /// The key under which the import remembers this source.
    var key: String {
        switch location {
        case .file(let path): path
        case .zipEntry(let archive, let entry): archive + "!" + entry.name
        }
    }

    var state: SeedFileState { SeedFileState(path: key, size: size, modifiedAt: modifiedAt, aid: aid) }

    func readBytes(limit: Int) throws -> [UInt8] {
        switch location {
        case .file(let path): try FileBytes.read(path, limit: limit)
        case .zipEntry(let archive, let entry): try ZipArchive(path: archive).read(entry, limit: limit)
        }
    }

    /// `<aid>.xml` or `AnimeDoc_<aid>.xml` (Shoko's naming); nil for any other name.
    static func aid(fromFileName name: String) -> Int? {
        let base = name.split(separator: "/").last.map(String.init) ?? name
        guard base.lowercased().hasSuffix(".xml") else { return nil }
        var stem = Substring(base.dropLast(4))
        if stem.hasPrefix("AnimeDoc_") { stem = stem.dropFirst("AnimeDoc_".count) }
        guard !stem.isEmpty, stem.count <= 9, stem.allSatisfy({ $0.isASCII && $0.isNumber }), let aid = Int(stem), aid > 0
        else { return nil }
        return aid
    }
}

/// Whole-file reads with a size limit checked before anything is read.
enum FileBytes {
    struct Error: Swift.Error, CustomStringConvertible {
        var description: String
    }

    static func read(_ path: String, limit: Int) throws -> [UInt8] {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Error(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Error(description: "cannot stat: \(String(cString: strerror(errno)))") }
        let size = Int(info.st_size)
        guard size <= limit else { throw Mirror.DocumentError(.tooLarge(bytes: size, limit: limit)) }
        return try [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            var offset = 0
            while offset < size {
                let got = Glibc.read(descriptor, buffer.baseAddress! + offset, size - offset)
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Error(description: "read failed: \(String(cString: strerror(errno)))")
                }
                if got == 0 { break }  // the file shrank while we read it: parse what is there
                offset += got
            }
            count = offset
        }
    }
}
