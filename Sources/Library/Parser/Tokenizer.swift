/// One piece of a release name.
struct Token {
    enum Kind: Equatable {
        case word
        case open
        case close
        case delimiter
    }

    var kind: Kind
    var text: String {
        didSet { measure() }
    }
    /// `text` lower-cased (computed when asked: most words never are).
    var lower: String { kind == .word && hasUpper ? text.lowercased() : text }
    private var hasUpper = false
    /// Cheap facts every rule checks first, computed once: they keep the parser fast.
    private(set) var hasDigit = false
    private(set) var isNumber = false
    private(set) var firstByte: UInt8 = 0
    private(set) var byteCount = 0
    /// Inside a bracket pair.
    var enclosed: Bool
    /// Which bracket pair (0 for text outside brackets); tokens of one pair share it.
    var group: Int
    /// Taken by an element; a claimed token is never used again.
    var claimed = false
    /// Its keyword-table entry, if it is a keyword.
    var keyword: Keywords.Entry?
    /// For words glued from single characters (`R.O.D`): the length of the last glued piece.
    var lastPieceLength = 0

    var isFreeWord: Bool { kind == .word && !claimed }

    init(kind: Kind, text: String, enclosed: Bool, group: Int) {
        self.kind = kind
        self.text = text
        self.enclosed = enclosed
        self.group = group
        measure()
    }

    /// What the word is (keyword, episode prefix, ordinal…), looked up once; nil for most words.
    private(set) var lexeme: Keywords.Lexeme?
    /// A delimiter inside the word: a compound keyword the tokenizer cut out whole (`Dual_Audio`).
    private(set) var hasInnerDelimiter = false

    var wordClass: Keywords.WordClass { lexeme?.wordClass ?? [] }
    /// `2nd`, `Second` → 2.
    var ordinal: Int? {
        guard let value = lexeme?.ordinal, value > 0 else { return nil }
        return Int(value)
    }

    private mutating func measure() {
        guard kind == .word else { return }
        var digits = 0
        var count = 0
        var upper = false
        var ascii = true
        var delimiter = false
        for byte in text.utf8 {
            count += 1
            if byte >= 48 && byte <= 57 { digits += 1 }
            if byte >= 65 && byte <= 90 { upper = true }
            if byte >= 0x80 { ascii = false }
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") {
                delimiter = true
            }
        }
        byteCount = count
        hasDigit = digits > 0
        isNumber = digits == count && count > 0
        firstByte = text.utf8.first ?? 0
        hasUpper = upper || !ascii
        hasInnerDelimiter = delimiter
        lexeme = nil
        guard !isNumber, count <= Keywords.maxLexemeBytes else { return }
        let text = text
        lexeme =
            text.utf8.withContiguousStorageIfAvailable { Keywords.lexeme($0, ascii: ascii, text: text) }
            ?? Keywords.lexemes[text.lowercased()]
    }
}

/// Splits a release name into bracket, delimiter and word tokens, Anitomy-style: keywords that contain delimiters
/// (`Dual Audio`, `H.264`, `WEB-DL`) or run into the next keyword (`AAC2.0`, `BD1080p`) are cut out whole.
enum Tokenizer {
    /// One-character strings for ASCII, made once: delimiters and brackets are most tokens.
    static let asciiStrings: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

    static func tokenize(_ name: String) -> [Token] {
        // Token texts are cut from the UTF-8 bytes (fast) at each scalar's offset; for the usual all-ASCII name
        // scalars and bytes line up and no offset table is needed.
        let bytes = Array(name.utf8)
        let ascii = bytes.allSatisfy { $0 < 0x80 }
        let scalars = ascii ? bytes.map { Unicode.Scalar($0) } : Array(name.unicodeScalars)
        var offsets: [Int] = []
        if !ascii {
            offsets = [Int](repeating: 0, count: scalars.count + 1)
            var offset = 0
            for (position, scalar) in scalars.enumerated() {
                offsets[position] = offset
                offset += UTF8.width(scalar)
            }
            offsets[scalars.count] = offset
        }
        func text(_ range: Range<Int>) -> String {
            if ascii && range.count == 1 { return asciiStrings[Int(bytes[range.lowerBound])] }
            let byteRange = ascii ? range : offsets[range.lowerBound]..<offsets[range.upperBound]
            return bytes.withUnsafeBufferPointer { String(decoding: UnsafeBufferPointer(rebasing: $0[byteRange]), as: UTF8.self) }
        }
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 3 + 4)
        var expected: [Unicode.Scalar] = []
        var group = 0
        var currentGroup = 0
        var wordStart: Int?
        var index = 0
        func flush() {
            guard let start = wordStart else { return }
            tokens.append(Token(kind: .word, text: text(start..<index), enclosed: !expected.isEmpty, group: currentGroup))
            wordStart = nil
        }
        while index < scalars.count {
            let scalar = scalars[index]
            // Inside a word, only a boundary changes anything.
            if wordStart != nil, !Delimiters.isBoundary(scalar) {
                index += 1
                continue
            }
            if let closer = Delimiters.closer(for: scalar) {
                flush()
                // `[[Group]`: a doubled opener is a typo, not nesting.
                if let last = tokens.last, last.kind == .open, last.text == String(scalar) {
                    index += 1
                    continue
                }
                group += 1
                if expected.isEmpty { currentGroup = group }
                expected.append(closer)
                tokens.append(Token(kind: .open, text: String(scalar), enclosed: true, group: currentGroup))
                index += 1
                continue
            }
            if Delimiters.isCloser(scalar), let position = expected.lastIndex(of: scalar) {
                flush()
                expected.removeSubrange(position...)
                tokens.append(Token(kind: .close, text: String(scalar), enclosed: true, group: currentGroup))
                if expected.isEmpty { currentGroup = 0 }
                index += 1
                continue
            }
            if wordStart == nil, let length = keywordLength(scalars, at: index) {
                tokens.append(
                    Token(kind: .word, text: text(index..<index + length), enclosed: !expected.isEmpty, group: currentGroup)
                )
                index += length
                continue
            }
            if Delimiters.isDelimiter(scalar) {
                flush()
                tokens.append(Token(kind: .delimiter, text: text(index..<index + 1), enclosed: !expected.isEmpty, group: currentGroup))
            } else if wordStart == nil {
                wordStart = index
            }
            index += 1
        }
        flush()
        // Only dots and underscores are ever repaired.
        guard bytes.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }) else { return tokens }
        return repairDelimiters(tokens)
    }

    // MARK: - Keywords that span delimiters or run into each other

    /// A keyword as the tokenizer matches it: its lower-cased ASCII bytes live in `patternBytes` (one flat array,
    /// so walking the patterns touches no reference counts).
    struct Pattern {
        var start: Int
        var count: Int
        var entry: Keywords.Entry
        var ambiguous: Bool { entry.ambiguous }
        var compound: Bool { firstDelimiter >= 0 }
        /// Where a compound keyword's first inner delimiter is (`dual audio`: 4); -1 for a plain keyword.
        var firstDelimiter: Int
    }

    static let patternTable: (bytes: [UInt8], patterns: [Pattern], byFirst: [Range<Int>]) = {
        var bytes: [UInt8] = []
        var patterns: [Pattern] = []
        var byFirst = [Range<Int>](repeating: 0..<0, count: 128)
        // Every keyword is ASCII; grouped by first byte, longest first.
        let keywords = Keywords.table.filter { $0.key.utf8.allSatisfy { $0 < 0x80 } }
            .sorted { ($0.key.utf8.first!, -$0.key.utf8.count, $0.key) < ($1.key.utf8.first!, -$1.key.utf8.count, $1.key) }
        for (keyword, entry) in keywords {
            let word = Array(keyword.utf8)
            let first = Int(word[0])
            if byFirst[first].isEmpty { byFirst[first] = patterns.count..<patterns.count }
            let delimiter = word.firstIndex { Delimiters.isDelimiter(Unicode.Scalar($0)) } ?? -1
            patterns.append(Pattern(start: bytes.count, count: word.count, entry: entry, firstDelimiter: delimiter))
            bytes += word
            byFirst[first] = byFirst[first].lowerBound..<patterns.count
        }
        return (bytes, patterns, byFirst)
    }()

    /// For each first byte, which second bytes (as a 128-bit mask) any of its keywords has: most words fail this
    /// test and are never compared with a keyword.
    static let secondBytes: [(low: UInt64, high: UInt64)] = {
        let table = patternTable
        var masks = [(low: UInt64, high: UInt64)](repeating: (0, 0), count: 128)
        func mark(_ first: Int, _ byte: UInt8) {
            if byte < 64 { masks[first].low |= 1 << UInt64(byte) } else { masks[first].high |= 1 << UInt64(byte - 64) }
        }
        for (first, range) in table.byFirst.enumerated() {
            for pattern in table.patterns[range] where pattern.count > 1 {
                let second = table.bytes[pattern.start + 1]
                mark(first, second)
                // An inner delimiter matches any other delimiter but `-`.
                if Delimiters.isDelimiter(Unicode.Scalar(second)) && second != UInt8(ascii: "-") {
                    for byte in 0..<UInt8(128) where Delimiters.isDelimiter(Unicode.Scalar(byte)) { mark(first, byte) }
                }
                // A one-letter keyword would end at the boundary; none exists, but stay correct if one is added.
            }
            if table.patterns[range].contains(where: { $0.count == 1 }) { masks[first] = (~0, ~0) }
        }
        return masks
    }()

    static func mayStartKeyword(_ scalars: [Unicode.Scalar], at index: Int, first: Int) -> Bool {
        guard index + 1 < scalars.count else { return true }
        let second = lower(scalars[index + 1]).value
        guard second < 128 else { return false }
        let mask = secondBytes[first]
        return second < 64 ? mask.low & (1 << UInt64(second)) != 0 : mask.high & (1 << UInt64(second - 64)) != 0
    }

    static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if ("A"..."Z").contains(scalar) { return Unicode.Scalar(scalar.value + 32)! }
        return scalar
    }

    static func isBoundary(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        index >= scalars.count || Delimiters.isBoundary(scalars[index])
    }

    /// The length of the keyword starting at `index`, if one does and it ends at a boundary or runs straight into
    /// another keyword or a resolution (`AAC2.0`, `10bitH.264`, `BD1080p`).
    static func keywordLength(_ scalars: [Unicode.Scalar], at index: Int, depth: Int = 0) -> Int? {
        let first = lower(scalars[index])
        guard first.isASCII else { return depth > 0 ? resolutionLength(scalars, at: index) : nil }
        let table = patternTable
        let candidates = table.byFirst[Int(first.value)]
        guard !candidates.isEmpty, mayStartKeyword(scalars, at: index, first: Int(first.value)) else {
            return depth > 0 ? resolutionLength(scalars, at: index) : nil
        }
        // The word runs to the next boundary. A plain keyword longer than it cannot match (a boundary is no letter),
        // and a compound one only if its first inner delimiter falls exactly on that boundary.
        var wordEnd = index + 1
        while !isBoundary(scalars, wordEnd) { wordEnd += 1 }
        let wordLength = wordEnd - index
        for candidate in candidates {
            let pattern = table.patterns[candidate]
            if pattern.compound {
                if pattern.firstDelimiter != wordLength { continue }
            } else if pattern.count > wordLength {
                continue
            }
            guard index + pattern.count <= scalars.count else { continue }
            var matches = true
            for offset in 1..<pattern.count {
                let expected = Unicode.Scalar(table.bytes[pattern.start + offset])
                let actual = lower(scalars[index + offset])
                if actual == expected { continue }
                // A keyword's inner delimiter matches any delimiter (`Dual_Audio`, `Dual.Audio`).
                if Delimiters.isDelimiter(expected) && Delimiters.isDelimiter(actual) && expected != "-" { continue }
                matches = false
                break
            }
            guard matches else { continue }
            let end = index + pattern.count
            // Only compound keywords, or keywords glued to another, are cut here; plain words split at delimiters.
            if isBoundary(scalars, end) {
                if pattern.compound || (depth > 0 && !pattern.ambiguous) { return pattern.count }
                // The whole word is a keyword (`HDTV`, `JapDub`): never split it into shorter ones.
                return nil
            }
            if depth < 2, !pattern.ambiguous, keywordLength(scalars, at: end, depth: depth + 1) != nil { return pattern.count }
        }
        return depth > 0 ? resolutionLength(scalars, at: index) : nil
    }

    /// `1080p`, `720P`, `1920x1080` at `index`, ending at a boundary.
    static func resolutionLength(_ scalars: [Unicode.Scalar], at index: Int) -> Int? {
        var end = index
        while end < scalars.count, end - index < 4, scalars[end].properties.numericType != nil, scalars[end].isASCII {
            end += 1
        }
        guard end - index >= 3, end < scalars.count else { return nil }
        let marker = lower(scalars[end])
        if marker == "p" || marker == "i" {
            return isBoundary(scalars, end + 1) ? end + 1 - index : nil
        }
        return nil
    }

    // MARK: - Delimiter repair

    /// Glues back what delimiters wrongly split: `R.O.D`, `m.3.3.w`, `No.6`, `07.5`, `Ver1.1a`; and lets a
    /// delimiter that follows another (`Mita. -`) stay with its word.
    static func repairDelimiters(_ tokens: [Token]) -> [Token] {
        // Most names need no repair: find the first one before copying any token.
        guard
            let firstRepair = tokens.indices.first(where: { index in
                index > 0 && tokens[index].kind == .delimiter && repair(at: index, after: tokens[index - 1], in: tokens) != nil
            })
        else { return tokens }
        var out = Array(tokens[..<firstRepair])
        out.reserveCapacity(tokens.count)
        var index = firstRepair
        while index < tokens.count {
            guard let previous = out.last, let repair = repair(at: index, after: previous, in: tokens) else {
                out.append(tokens[index])
                index += 1
                continue
            }
            switch repair {
            case .glueDot:
                let next = tokens[index + 1]
                out[out.count - 1].text += "." + next.text
                out[out.count - 1].lastPieceLength = next.text.unicodeScalars.count
                index += 2
            case .glueUnderscore:
                out[out.count - 1].text += "_" + tokens[index + 1].text
                index += 2
            case .keepDot:
                out[out.count - 1].text += "."
                index += 1
            }
        }
        return out
    }

    enum Repair { case glueDot, glueUnderscore, keepDot }

    /// What to do with the delimiter at `index`, given the (possibly already repaired) word before it.
    static func repair(at index: Int, after previous: Token, in tokens: [Token]) -> Repair? {
        // Cheap tests first: this runs for every token of a name with dots or underscores.
        guard tokens[index].kind == .delimiter, previous.kind == .word, index + 1 < tokens.count,
            let byte = tokens[index].text.utf8.first, byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_")
        else { return nil }
        let token = tokens[index]
        guard token.kind == .delimiter, token.text == "." || token.text == "_", previous.kind == .word,
            previous.keyword == nil, index + 1 < tokens.count
        else { return nil }
        let next = tokens[index + 1]
        if token.text == ".", next.kind == .word, next.keyword == nil, shouldGlue(previous, next) { return .glueDot }
        // `Ver1_1a`: an underscore between a number and a numbered suffix is part of the word.
        if token.text == "_", next.kind == .word, let leftLast = previous.text.unicodeScalars.last, ("0"..."9").contains(leftLast),
            previous.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }),
            let rightFirst = next.text.unicodeScalars.first, ("0"..."9").contains(rightFirst),
            next.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic })
        {
            return .glueUnderscore
        }
        // `Mita. - 01`: a dot followed by a space ends its word rather than separating anything.
        if token.text == ".", next.kind == .delimiter, let scalar = next.text.unicodeScalars.first, Delimiters.isSpaceLike(scalar) {
            return .keepDot
        }
        return nil
    }

    static func shouldGlue(_ left: Token, _ right: Token) -> Bool {
        let leftPiece = left.lastPieceLength > 0 ? left.lastPieceLength : left.text.unicodeScalars.count
        let rightText = right.text.unicodeScalars
        let leftLast = left.text.unicodeScalars.last!
        let rightFirst = rightText.first!
        let leftDigit = ("0"..."9").contains(leftLast)
        let rightDigit = ("0"..."9").contains(rightFirst)
        if leftPiece == 1 && rightText.count == 1 { return true }  // R.O.D, m.3.3.w
        if left.lastPieceLength == 1 && rightText.count <= 3 && !rightDigit { return true }  // D.C.II
        if rightText.count == 1 && rightDigit && left.text.unicodeScalars.count <= 3 { return true }  // No.6, 07.5, Ep.5
        if leftDigit && rightDigit && rightText.count <= 2 { return true }  // 1.11, 3.33, Ver1.1a
        return false
    }
}
