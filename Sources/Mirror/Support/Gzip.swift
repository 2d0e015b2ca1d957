internal import CZlib
import Foundation

/// gzip and raw-deflate through zlib: AniDB's bodies, `/httpapi` answers and zip entries.
public enum Gzip {
    public struct Error: Swift.Error, CustomStringConvertible, Sendable {
        public var description: String
    }

    /// True when `bytes` start with the gzip magic number.
    public static func isGzip(_ bytes: some Collection<UInt8>) -> Bool {
        var iterator = bytes.makeIterator()
        return iterator.next() == 0x1f && iterator.next() == 0x8b
    }

    public static func compress(_ input: [UInt8], level: Int32 = 6) throws(Gzip.Error) -> [UInt8] {
        var stream = z_stream()
        // windowBits 15 + 16 asks zlib for a gzip wrapper.
        guard
            deflateInit2_(
                &stream,
                level,
                Z_DEFLATED,
                15 + 16,
                8,
                Z_DEFAULT_STRATEGY,
                ZLIB_VERSION,
                Int32(MemoryLayout<z_stream>.size)
            ) == Z_OK
        else { throw Error(description: "deflateInit failed") }
        defer { deflateEnd(&stream) }
        var output = [UInt8](repeating: 0, count: Int(deflateBound(&stream, uLong(input.count))) + 32)
        let status: Int32 = input.withUnsafeBufferPointer { source in
            output.withUnsafeMutableBufferPointer { destination in
                stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress)
                stream.avail_in = uInt(source.count)
                stream.next_out = destination.baseAddress
                stream.avail_out = uInt(destination.count)
                return deflate(&stream, Z_FINISH)
            }
        }
        guard status == Z_STREAM_END else { throw Error(description: "deflate failed (\(status))") }
        output.removeSubrange(Int(stream.total_out)...)
        return output
    }

    /// Decompresses a gzip stream (or a zlib stream), refusing output past `limit` bytes.
    public static func decompress(_ input: [UInt8], limit: Int = 64 * 1024 * 1024) throws(Gzip.Error) -> [UInt8] {
        try inflate(input, windowBits: 15 + 32, limit: limit)
    }

    /// Inflates raw deflate data, as stored in zip entries.
    static func inflateRaw(_ input: some ContiguousBytes, expectedSize: Int, limit: Int) throws(Gzip.Error) -> [UInt8] {
        try inflate(input, windowBits: -15, limit: limit, sizeHint: expectedSize)
    }

    private static func inflate(
        _ input: some ContiguousBytes,
        windowBits: Int32,
        limit: Int,
        sizeHint: Int? = nil
    )
        throws(Gzip.Error) -> [UInt8]
    {
        var stream = z_stream()
        guard inflateInit2_(&stream, windowBits, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw Error(description: "inflateInit failed")
        }
        defer { inflateEnd(&stream) }
        var output: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: max(16 * 1024, min(sizeHint ?? 0, limit) + 1))
        let result: Result<Void, Gzip.Error> = input.withUnsafeBytes { source in
            stream.next_in = UnsafeMutablePointer(mutating: source.baseAddress?.assumingMemoryBound(to: UInt8.self))
            stream.avail_in = uInt(source.count)
            while true {
                let (status, produced) = chunk.withUnsafeMutableBufferPointer { buffer in
                    stream.next_out = buffer.baseAddress
                    stream.avail_out = uInt(buffer.count)
                    let status = CZlib.inflate(&stream, Z_NO_FLUSH)
                    return (status, buffer.count - Int(stream.avail_out))
                }
                output.append(contentsOf: chunk[0..<produced])
                if output.count > limit { return .failure(Error(description: "inflated data exceeds \(limit) bytes")) }
                switch status {
                case Z_STREAM_END: return .success(())
                case Z_OK: if stream.avail_in == 0 && produced == 0 { return .failure(Error(description: "truncated data")) }
                case Z_BUF_ERROR: if stream.avail_in == 0 { return .failure(Error(description: "truncated data")) }
                default: return .failure(Error(description: "corrupt data (zlib \(status))"))
                }
            }
        }
        try result.get()
        return output
    }

    /// zlib's CRC-32 and Adler-32 of the same bytes: together a cheap 64-bit fingerprint (an entity tag), at memory
    /// speed where SHA-256 costs milliseconds for a large answer.
    public static func checksums(_ bytes: UnsafeRawBufferPointer) -> (crc32: UInt32, adler32: UInt32) {
        let base = bytes.baseAddress?.assumingMemoryBound(to: Bytef.self)
        return (UInt32(CZlib.crc32(0, base, uInt(bytes.count))), UInt32(CZlib.adler32(1, base, uInt(bytes.count))))
    }

    /// CRC-32 as zip and gzip use it.
    public static func crc32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { buffer in
            UInt32(CZlib.crc32(0, buffer.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(buffer.count)))
        }
    }
}
