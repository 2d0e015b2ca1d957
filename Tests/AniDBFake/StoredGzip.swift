/// gzip (RFC 1952) written here, independently of the product's `Gzip`: the fake must not prove the product's
/// decoder only against the product's own encoder. The data go in deflate's "stored" blocks (RFC 1951 3.2.4),
/// uncompressed, which every inflater reads; CRC-32 is computed bit by bit from its definition.
enum StoredGzip {
    static func encode(_ data: [UInt8]) -> [UInt8] {
        // ID1 ID2, CM=8 (deflate), no flags, no time, XFL 0, OS 255 (unknown).
        var out: [UInt8] = [0x1F, 0x8B, 8, 0, 0, 0, 0, 0, 0, 255]
        var offset = 0
        repeat {
            let count = min(65_535, data.count - offset)
            let final: UInt8 = offset + count == data.count ? 1 : 0
            out.append(final)  // BFINAL, BTYPE 00
            out += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(~count & 0xFF), UInt8((~count >> 8) & 0xFF)]
            out += data[offset..<offset + count]
            offset += count
        } while offset < data.count
        let crc = crc32(data)
        let size = UInt32(truncatingIfNeeded: data.count)
        for value in [crc, size] { out += (0..<4).map { UInt8((value >> (8 * UInt32($0))) & 0xFF) } }
        return out
    }

    /// CRC-32 (ISO 3309, the polynomial 0xEDB88320 reflected), as gzip's trailer needs it.
    static func crc32(_ data: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in data {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }
}
