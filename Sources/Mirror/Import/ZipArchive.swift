import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Reads entries of a zip archive (Shoko's `Anime_HTTP.zip`) with positioned reads, never loading it whole.
struct ZipArchive {
    struct Error: Swift.Error, CustomStringConvertible {
        var description: String
    }

    struct Entry: Sendable {
        var name: String
        var method: UInt16
        var compressedSize: Int
        var uncompressedSize: Int
        var localHeaderOffset: Int
        /// Unix seconds, from the extended-timestamp field when present, else the DOS date and time.
        var modifiedAt: Double
    }

    let path: String

    func entries() throws -> [Entry] {
        try withFile { descriptor, fileSize in
            // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
            let tailLength = min(fileSize, 65_557)
            let tail = try pread(descriptor, count: tailLength, at: fileSize - tailLength)
            guard tail.count >= 22, let eocd = (0...(tail.count - 22)).reversed().first(where: { tail.u32($0) == 0x0605_4b50 }) else {
                throw Error(description: "not a zip archive (no end-of-central-directory record)")
            }
            let count = Int(tail.u16(eocd + 10))
            let directorySize = Int(tail.u32(eocd + 12))
            let directoryOffset = Int(tail.u32(eocd + 16))
            guard directoryOffset + directorySize <= fileSize else { throw Error(description: "truncated zip archive") }
            let directory = try pread(descriptor, count: directorySize, at: directoryOffset)
            var entries: [Entry] = []
            var position = 0
            for _ in 0..<count {
                guard position + 46 <= directory.count, directory.u32(position) == 0x0201_4b50 else {
                    throw Error(description: "corrupt zip central directory")
                }
                let nameLength = Int(directory.u16(position + 28))
                let extraLength = Int(directory.u16(position + 30))
                let commentLength = Int(directory.u16(position + 32))
                guard position + 46 + nameLength + extraLength <= directory.count else {
                    throw Error(description: "corrupt zip central directory")
                }
                let name = String(decoding: directory[(position + 46)..<(position + 46 + nameLength)], as: UTF8.self)
                let extra = Array(directory[(position + 46 + nameLength)..<(position + 46 + nameLength + extraLength)])
                entries.append(
                    Entry(
                        name: name,
                        method: directory.u16(position + 10),
                        compressedSize: Int(directory.u32(position + 20)),
                        uncompressedSize: Int(directory.u32(position + 24)),
                        localHeaderOffset: Int(directory.u32(position + 42)),
                        modifiedAt: Self.unixTime(extra: extra)
                            ?? Self.dosTime(
                                date: directory.u16(position + 14),
                                time: directory.u16(position + 12)
                            )
                    )
                )
                position += 46 + nameLength + extraLength + commentLength
            }
            return entries
        }
    }

    func read(_ entry: Entry, limit: Int) throws -> [UInt8] {
        guard entry.uncompressedSize <= limit else {
            throw Mirror.DocumentError(.tooLarge(bytes: entry.uncompressedSize, limit: limit))
        }
        return try withFile { descriptor, fileSize in
            let header = try pread(descriptor, count: 30, at: entry.localHeaderOffset)
            guard header.count == 30, header.u32(0) == 0x0403_4b50 else { throw Error(description: "corrupt zip entry header") }
            let dataOffset = entry.localHeaderOffset + 30 + Int(header.u16(26)) + Int(header.u16(28))
            guard dataOffset + entry.compressedSize <= fileSize else { throw Error(description: "truncated zip entry") }
            let data = try pread(descriptor, count: entry.compressedSize, at: dataOffset)
            switch entry.method {
            case 0: return data
            case 8:
                do { return try Gzip.inflateRaw(data, expectedSize: entry.uncompressedSize, limit: limit) } catch {
                    throw Error(description: "zip entry: \(error)")
                }
            default: throw Error(description: "unsupported zip compression method \(entry.method)")
            }
        }
    }

    private func withFile<T>(_ body: (Int32, Int) throws -> T) throws -> T {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { throw Error(description: "cannot open: \(String(cString: strerror(errno)))") }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { throw Error(description: "cannot stat archive") }
        return try body(descriptor, Int(info.st_size))
    }

    private func pread(_ descriptor: Int32, count: Int, at offset: Int) throws -> [UInt8] {
        try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let got = Glibc.pread(descriptor, buffer.baseAddress! + done, count - done, off_t(offset + done))
                if got < 0 {
                    if errno == EINTR { continue }
                    throw Error(description: "read failed: \(String(cString: strerror(errno)))")
                }
                if got == 0 { break }
                done += got
            }
            initialized = done
        }
    }

    /// The "UT" extended timestamp extra field (0x5455) carries the modification time in Unix seconds.
    private static func unixTime(extra: [UInt8]) -> Double? {
        var position = 0
        while position + 4 <= extra.count {
            let id = extra.u16(position)
            let size = Int(extra.u16(position + 2))
            if id == 0x5455, size >= 5, position + 9 <= extra.count, extra[position + 4] & 1 == 1 {
                return Double(Int32(bitPattern: extra.u32(position + 5)))
            }
            position += 4 + size
        }
        return nil
    }

    private static func dosTime(date: UInt16, time: UInt16) -> Double {
        let year = Int(date >> 9) + 1980
        let month = max(1, Int((date >> 5) & 0xf))
        let day = max(1, Int(date & 0x1f))
        let seconds = Int(time >> 11) * 3600 + Int((time >> 5) & 0x3f) * 60 + Int(time & 0x1f) * 2
        return Double(AniDBDate.daysFromCivil(year: year, month: month, day: day) * 86_400 + seconds)
    }
}

extension Array where Element == UInt8 {
    func u16(_ offset: Int) -> UInt16 { UInt16(self[offset]) | UInt16(self[offset + 1]) << 8 }
    func u32(_ offset: Int) -> UInt32 {
        UInt32(self[offset]) | UInt32(self[offset + 1]) << 8 | UInt32(self[offset + 2]) << 16 | UInt32(self[offset + 3]) << 24
    }
}
