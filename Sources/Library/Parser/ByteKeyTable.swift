/// A read-only map from short ASCII keys to values, looked up by a word's bytes with ASCII letters folded to lower
/// case: no hashing, no allocation, and no reference counting (keys and slots are flat arrays of plain values).
///
/// Keys are grouped by first byte and length, so a lookup compares the word with only the few keys that could
/// match it.
struct ByteKeyTable<Value: Sendable>: Sendable {
    static var maxKeyBytes: Int { 23 }

    private let keyBytes: [UInt8]
    /// Per key: where its bytes start in `keyBytes`, and its value; grouped by (first byte, length).
    private let keys: [(start: Int32, value: Value)]
    /// Per (first byte × length): the range of `keys` to compare.
    private let slots: [(start: Int32, end: Int32)]

    /// `keys` must be lower-case ASCII; longer keys and others are left out.
    init(_ entries: [(key: String, value: Value)]) {
        let usable = entries.filter { entry in
            let bytes = Array(entry.key.utf8)
            return !bytes.isEmpty && bytes.count <= Self.maxKeyBytes && bytes.allSatisfy { $0 < 0x80 }
        }
        .sorted { lhs, rhs in
            (Self.slot(Array(lhs.key.utf8)), lhs.key) < (Self.slot(Array(rhs.key.utf8)), rhs.key)
        }
        var keyBytes: [UInt8] = []
        var keys: [(start: Int32, value: Value)] = []
        var slots = [(start: Int32, end: Int32)](repeating: (0, 0), count: 128 * (Self.maxKeyBytes + 1))
        for entry in usable {
            let bytes = Array(entry.key.utf8)
            let slot = Self.slot(bytes)
            if slots[slot].start == slots[slot].end { slots[slot] = (Int32(keys.count), Int32(keys.count)) }
            keys.append((Int32(keyBytes.count), entry.value))
            keyBytes += bytes
            slots[slot].end = Int32(keys.count)
        }
        self.keyBytes = keyBytes
        self.keys = keys
        self.slots = slots
    }

    private static func slot(_ bytes: [UInt8]) -> Int { Int(bytes[0]) * (maxKeyBytes + 1) + bytes.count }

    /// The value for `word`, compared case-insensitively for ASCII letters. With `spacing`, every ASCII delimiter
    /// in the word counts as a space (`Dual_Audio` finds `dual audio`).
    func value(for word: UnsafeBufferPointer<UInt8>, spacing: Bool = false) -> Value? {
        guard let first = word.first, first < 0x80, word.count <= Self.maxKeyBytes else { return nil }
        let slot = slots[Int(Self.fold(first)) * (Self.maxKeyBytes + 1) + word.count]
        var index = Int(slot.start)
        while index < Int(slot.end) {
            let start = Int(keys[index].start)
            var equal = true
            for offset in 0..<word.count {
                var byte = Self.fold(word[offset])
                if spacing, byte < 0x80, Delimiters.isDelimiter(Unicode.Scalar(byte)) { byte = UInt8(ascii: " ") }
                if byte != keyBytes[start + offset] {
                    equal = false
                    break
                }
            }
            if equal { return keys[index].value }
            index += 1
        }
        return nil
    }

    @inline(__always)
    private static func fold(_ byte: UInt8) -> UInt8 { byte >= 65 && byte <= 90 ? byte | 0x20 : byte }
}
