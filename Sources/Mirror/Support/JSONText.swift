/// Small JSON texts for columns that hold lists (episode titles, resource identifiers).
///
/// Built byte by byte into one buffer: the import writes hundreds of thousands of these.
public enum JSONText {
    static func string(_ text: String) -> String {
        var output: [UInt8] = []
        append(text, to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    static func array(_ items: [String]) -> String {
        var output: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            append(item, to: &output)
        }
        output.append(UInt8(ascii: "]"))
        return String(decoding: output, as: UTF8.self)
    }

    /// Pairs as an array of two-element arrays, keeping order and duplicates.
    static func pairs(_ pairs: [(String, String)]) -> String {
        var output: [UInt8] = [UInt8(ascii: "[")]
        output.reserveCapacity(pairs.reduce(2) { $0 + $1.0.utf8.count + $1.1.utf8.count + 8 })
        for (index, pair) in pairs.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "["))
            append(pair.0, to: &output)
            output.append(UInt8(ascii: ","))
            append(pair.1, to: &output)
            output.append(UInt8(ascii: "]"))
        }
        output.append(UInt8(ascii: "]"))
        return String(decoding: output, as: UTF8.self)
    }

    private static let hex = Array("0123456789abcdef".utf8)

    /// A JSON object written field by field, in the order given.
    public struct Object {
        private var bytes: [UInt8] = [UInt8(ascii: "{")]

        public init(capacity: Int) { bytes.reserveCapacity(capacity) }

        private mutating func key(_ name: String) {
            if bytes.count > 1 { bytes.append(UInt8(ascii: ",")) }
            JSONText.append(name, to: &bytes)
            bytes.append(UInt8(ascii: ":"))
        }

        public mutating func field(_ name: String, _ value: Int) {
            key(name)
            bytes.append(contentsOf: String(value).utf8)
        }

        public mutating func field(_ name: String, _ value: Bool) {
            key(name)
            bytes.append(contentsOf: (value ? "true" : "false").utf8)
        }

        public mutating func field(_ name: String, _ value: String?) {
            key(name)
            if let value { JSONText.append(value, to: &bytes) } else { bytes.append(contentsOf: "null".utf8) }
        }

        mutating func field(_ name: String, strings: [String]) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (index, item) in strings.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                JSONText.append(item, to: &bytes)
            }
            bytes.append(UInt8(ascii: "]"))
        }

        /// An array of `{"aid": N, "<valueKey>": M}` objects (`valueKey` sorts after `aid`).
        mutating func field(_ name: String, aidObjects: [(aid: Int, value: Int)], valueKey: String) {
            key(name)
            bytes.append(UInt8(ascii: "["))
            for (index, object) in aidObjects.enumerated() {
                if index > 0 { bytes.append(UInt8(ascii: ",")) }
                bytes.append(contentsOf: #"{"aid":"#.utf8)
                bytes.append(contentsOf: String(object.aid).utf8)
                bytes.append(UInt8(ascii: ","))
                JSONText.append(valueKey, to: &bytes)
                bytes.append(UInt8(ascii: ":"))
                bytes.append(contentsOf: String(object.value).utf8)
                bytes.append(UInt8(ascii: "}"))
            }
            bytes.append(UInt8(ascii: "]"))
        }

        public mutating func field(_ name: String, _ value: Int?) {
            key(name)
            bytes.append(contentsOf: (value.map(String.init) ?? "null").utf8)
        }

        /// A number as Swift prints it (shortest round-trip form), or null; not for NaN or infinity.
        public mutating func field(_ name: String, _ value: Double?) {
            key(name)
            bytes.append(contentsOf: (value.map { $0.isFinite ? String($0) : "null" } ?? "null").utf8)
        }

        public mutating func close() -> [UInt8] {
            bytes.append(UInt8(ascii: "}"))
            return bytes
        }
    }

    static func append(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        // Through the contiguous UTF-8 buffer: iterating `text.utf8` costs several times more per byte, and most
        // texts need no escaping at all, so they are copied in one go.
        text.withUTF8 { bytes in
            var clean = 0
            for (index, byte) in bytes.enumerated() where byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean..<index]))
                if byte < 0x20 {
                    output.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]])
                } else {
                    output.append(UInt8(ascii: "\\"))
                    output.append(byte)
                }
                clean = index + 1
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[clean...]))
        }
        output.append(UInt8(ascii: "\""))
    }
}
