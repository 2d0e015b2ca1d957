/// One piece of a release name: what the rules test, with no reference in it.
///
/// The token's text lives beside it (`Tokenized.texts`, `FilenameParse.texts`, same index). Tokens are plain
/// values, so the rules scan and copy them at the cost of a load, with no reference counting.
struct Token {
    enum Kind: UInt8, Equatable {
        case word
        case open
        case close
        case delimiter
    }

    private var storedGroup: Int32
    private var storedLastPieceLength: UInt16 = 0
    var kind: Kind
    /// Inside a bracket pair.
    var enclosed: Bool
    /// Taken by an element; a claimed token is never used again.
    var claimed = false
    /// Its keyword-table entry, once `markKeywords` has marked it.
    var keyword: Keywords.Entry?
    /// What was measured of the text.
    private var facts: Facts

    /// Cheap facts every rule checks first, computed once from the text's bytes: they keep the parser fast.
    /// Built as one small value (returned in registers) and stored at once.
    struct Facts {
        var byteCount: UInt16 = 0
        var flags: UInt8 = 0
        /// A word's first byte (0 for other kinds).
        var firstByte: UInt8 = 0
        /// The text's first byte, for any kind (`.`, `_`, `-`, `[`).
        var leadByte: UInt8 = 0
        /// What the word is (keyword, episode prefix, ordinal…); empty for most words.
        var lexeme = Keywords.Lexeme()

        static let hasUpper: UInt8 = 1
        static let isASCII: UInt8 = 2
        static let hasDigit: UInt8 = 4
        static let isNumber: UInt8 = 8

        static func measure(_ kind: Kind, utf8: UnsafeBufferPointer<UInt8>, text: String) -> Facts {
            var facts = Facts()
            facts.leadByte = utf8.first ?? 0
            facts.byteCount = UInt16(clamping: utf8.count)
            guard kind == .word else { return facts }
            var digits = 0
            var upper = false
            var ascii = true
            var delimiter = false
            for byte in utf8 {
                if byte >= 48 && byte <= 57 { digits += 1 }
                if byte >= 65 && byte <= 90 { upper = true }
                if byte >= 0x80 { ascii = false }
                if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-") {
                    delimiter = true
                }
            }
            let count = utf8.count
            let isNumber = digits == count && count > 0
            facts.firstByte = facts.leadByte
            facts.flags =
                (upper || !ascii ? hasUpper : 0) | (ascii ? isASCII : 0) | (digits > 0 ? hasDigit : 0) | (isNumber ? Self.isNumber : 0)
            if !isNumber, count <= Keywords.maxLexemeBytes {
                facts.lexeme = Keywords.lexeme(utf8, ascii: ascii, delimited: delimiter, text: text) ?? Keywords.Lexeme()
            }
            return facts
        }
    }

    /// Upper-case or non-ASCII letters: `lower` needs work.
    var hasUpper: Bool { facts.flags & Facts.hasUpper != 0 }
    var isASCII: Bool { facts.flags & Facts.isASCII != 0 }
    var hasDigit: Bool { facts.flags & Facts.hasDigit != 0 }
    var isNumber: Bool { facts.flags & Facts.isNumber != 0 }
    var firstByte: UInt8 { facts.firstByte }
    var leadByte: UInt8 { facts.leadByte }
    var lexeme: Keywords.Lexeme { facts.lexeme }
    var byteCount: Int { Int(facts.byteCount) }
    /// Which bracket pair (0 for text outside brackets); tokens of one pair share it.
    var group: Int {
        get { Int(storedGroup) }
        set { storedGroup = Int32(truncatingIfNeeded: newValue) }
    }
    /// For words glued from single characters (`R.O.D`): the length of the last glued piece.
    var lastPieceLength: Int {
        get { Int(storedLastPieceLength) }
        set { storedLastPieceLength = UInt16(clamping: newValue) }
    }

    var isFreeWord: Bool { kind == .word && !claimed }

    var wordClass: Keywords.WordClass { lexeme.wordClass }
    /// `2nd`, `Second` → 2.
    var ordinal: Int? { lexeme.ordinal > 0 ? Int(lexeme.ordinal) : nil }

    /// A token of `text`, measured from its bytes `utf8` (which the tokenizer already has at hand).
    init(kind: Kind, utf8: UnsafeBufferPointer<UInt8>, text: String, enclosed: Bool, group: Int) {
        self.kind = kind
        self.enclosed = enclosed
        self.storedGroup = Int32(truncatingIfNeeded: group)
        self.facts = Facts.measure(kind, utf8: utf8, text: text)
    }

    /// Measures `text` again; call it whenever the token's text changes.
    mutating func measure(_ text: String) {
        facts = text.withBytes { Facts.measure(kind, utf8: $0, text: text) }
    }
}

/// A tokenized name: the tokens and, at the same indices, their texts.
struct Tokenized {
    var tokens: [Token] = []
    var texts: [String] = []
}

/// Splits a release name into bracket, delimiter and word tokens, Anitomy-style: keywords that contain delimiters
/// (`Dual Audio`, `H.264`, `WEB-DL`) or run into the next keyword (`AAC2.0`, `BD1080p`) are cut out whole.
enum Tokenizer {
    /// One-character strings for ASCII, made once: delimiters and brackets are most tokens.
    static let asciiStrings: [String] = (0..<128).map { String(Unicode.Scalar(UInt8($0))) }

    static func tokenize(_ name: String) -> Tokenized {
        // Token texts are cut from the UTF-8 bytes (fast) at each scalar's offset; for the usual all-ASCII name
        // scalars and bytes line up and no offset table is needed. The scalars of an ASCII name live on the stack.
        name.withBytes { bytes in
            let ascii = bytes.allSatisfy { $0 < 0x80 }
            guard ascii else {
                return Array(name.unicodeScalars).withUnsafeBufferPointer { tokenize(bytes, $0, ascii: false) }
            }
            return withUnsafeTemporaryAllocation(of: Unicode.Scalar.self, capacity: bytes.count) { scalars in
                for (index, byte) in bytes.enumerated() { scalars.initializeElement(at: index, to: Unicode.Scalar(byte)) }
                defer { scalars.deinitialize() }
                return tokenize(bytes, UnsafeBufferPointer(scalars), ascii: true)
            }
        }
    }

    /// Tokenizes a name given as its UTF-8 `buffer` and its `scalars`.
    private static func tokenize(
        _ buffer: UnsafeBufferPointer<UInt8>,
        _ scalars: UnsafeBufferPointer<Unicode.Scalar>,
        ascii: Bool
    ) -> Tokenized {
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
        // Read once per name, not once per token (each read of a static checks its initialisation).
        let asciiStrings = Self.asciiStrings
        let tokens = { () -> Tokenized in
            var tokens = Tokenized()
            tokens.tokens.reserveCapacity(scalars.count / 3 + 4)
            tokens.texts.reserveCapacity(scalars.count / 3 + 4)
            var expected: [Unicode.Scalar] = []
            var group = 0
            var currentGroup = 0
            var index = 0
            /// Adds the token of the scalars in `range`, measured from its bytes.
            func add(_ kind: Token.Kind, _ range: Range<Int>, enclosed: Bool) {
                let byteRange = ascii ? range : offsets[range.lowerBound]..<offsets[range.upperBound]
                let utf8 = UnsafeBufferPointer(rebasing: buffer[byteRange])
                let text = ascii && range.count == 1 ? asciiStrings[Int(utf8[0])] : String(decoding: utf8, as: UTF8.self)
                tokens.tokens.append(Token(kind: kind, utf8: utf8, text: text, enclosed: enclosed, group: currentGroup))
                tokens.texts.append(text)
            }
            while index < scalars.count {
                let scalar = scalars[index]
                if Delimiters.isBoundary(scalar) {
                    if let closer = Delimiters.closer(for: scalar) {
                        // `[[Group]`: a doubled opener is a typo, not nesting.
                        if let last = tokens.tokens.last, last.kind == .open, tokens.texts.last == String(scalar) {
                            index += 1
                            continue
                        }
                        group += 1
                        if expected.isEmpty { currentGroup = group }
                        expected.append(closer)
                        add(.open, index..<index + 1, enclosed: true)
                        index += 1
                        continue
                    }
                    if Delimiters.isCloser(scalar), let position = expected.lastIndex(of: scalar) {
                        expected.removeSubrange(position...)
                        add(.close, index..<index + 1, enclosed: true)
                        if expected.isEmpty { currentGroup = 0 }
                        index += 1
                        continue
                    }
                    if Delimiters.isDelimiter(scalar) {
                        add(.delimiter, index..<index + 1, enclosed: !expected.isEmpty)
                        index += 1
                        continue
                    }
                    // A closing bracket nothing opened is part of a word.
                }
                // A word starts here: a keyword cut out of it, or the word whole, up to the next delimiter, opening
                // bracket, or closing bracket of an open pair (one scan, then the next token).
                if let length = keywordLength(scalars, at: index) {
                    add(.word, index..<index + length, enclosed: !expected.isEmpty)
                    index += length
                    continue
                }
                var end = index + 1
                while end < scalars.count {
                    let next = scalars[end]
                    if Delimiters.isBoundary(next)
                        && (Delimiters.isDelimiter(next) || Delimiters.closer(for: next) != nil
                            || (Delimiters.isCloser(next) && expected.contains(next)))
                    {
                        break
                    }
                    end += 1
                }
                add(.word, index..<end, enclosed: !expected.isEmpty)
                index = end
            }
            return tokens
        }()
        // Only dots and underscores are ever repaired.
        guard buffer.contains(where: { $0 == UInt8(ascii: ".") || $0 == UInt8(ascii: "_") }) else { return tokens }
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

    /// Whether a keyword may start at `index`: its first two characters (lower-cased) begin some keyword.
    static func mayStartKeyword(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, at index: Int) -> Bool {
        let first = lower(scalars[index]).value
        guard first < 128 else { return false }
        guard index + 1 < scalars.count else { return true }
        let second = lower(scalars[index + 1]).value
        guard second < 128 else { return false }
        let mask = secondBytes[Int(first)]
        return second < 64 ? mask.low & (1 << UInt64(second)) != 0 : mask.high & (1 << UInt64(second - 64)) != 0
    }

    static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if ("A"..."Z").contains(scalar) { return Unicode.Scalar(scalar.value + 32)! }
        return scalar
    }

    static func isBoundary(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, _ index: Int) -> Bool {
        index >= scalars.count || Delimiters.isBoundary(scalars[index])
    }

    /// The length of the keyword starting at `index`, if one does and it ends at a boundary or runs straight into
    /// another keyword or a resolution (`AAC2.0`, `10bitH.264`, `BD1080p`).
    static func keywordLength(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, at index: Int, depth: Int = 0) -> Int? {
        // Most words fail the two-character test: they never touch the pattern table.
        guard mayStartKeyword(scalars, at: index) else { return depth > 0 ? resolutionLength(scalars, at: index) : nil }
        let table = patternTable
        let candidates = table.byFirst[Int(lower(scalars[index]).value)]
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
    static func resolutionLength(_ scalars: UnsafeBufferPointer<Unicode.Scalar>, at index: Int) -> Int? {
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
    static func repairDelimiters(_ input: Tokenized) -> Tokenized {
        let tokens = input.tokens
        let texts = input.texts
        // Most names need no repair: find the first one before copying anything.
        guard
            let firstRepair = tokens.indices.first(where: { index in
                index > 0 && mayRepair(tokens[index], after: tokens[index - 1])
                    && repair(at: index, after: (tokens[index - 1], texts[index - 1]), in: input) != nil
            })
        else { return input }
        var out = Tokenized(tokens: Array(tokens[..<firstRepair]), texts: Array(texts[..<firstRepair]))
        var index = firstRepair
        while index < tokens.count {
            guard let previous = out.tokens.last, let previousText = out.texts.last,
                let repair = repair(at: index, after: (previous, previousText), in: input)
            else {
                out.tokens.append(tokens[index])
                out.texts.append(texts[index])
                index += 1
                continue
            }
            let last = out.tokens.count - 1
            switch repair {
            case .glueDot:
                out.texts[last] += "." + texts[index + 1]
                out.tokens[last].lastPieceLength = texts[index + 1].unicodeScalars.count
                index += 2
            case .glueUnderscore:
                out.texts[last] += "_" + texts[index + 1]
                index += 2
            case .keepDot:
                out.texts[last] += "."
                index += 1
            }
            out.tokens[last].measure(out.texts[last])
        }
        return out
    }

    enum Repair { case glueDot, glueUnderscore, keepDot }

    /// What to do with the delimiter at `index`, given the (possibly already repaired) word before it.
    /// Only a lone `.` or `_` after a word (not a keyword) is ever repaired: tested on the tokens alone, before
    /// their texts are looked at.
    static func mayRepair(_ token: Token, after previous: Token) -> Bool {
        token.kind == .delimiter && token.byteCount == 1
            && (token.leadByte == UInt8(ascii: ".") || token.leadByte == UInt8(ascii: "_"))
            && previous.kind == .word && previous.keyword == nil
    }

    static func repair(at index: Int, after previous: (token: Token, text: String), in input: Tokenized) -> Repair? {
        let token = input.tokens[index]
        guard mayRepair(token, after: previous.token), index + 1 < input.tokens.count else { return nil }
        let next = input.tokens[index + 1]
        let nextText = input.texts[index + 1]
        let isDot = token.leadByte == UInt8(ascii: ".")
        if isDot, next.kind == .word, next.keyword == nil, shouldGlue(previous, (next, nextText)) { return .glueDot }
        // `Ver1_1a`: an underscore between a number and a numbered suffix is part of the word.
        if !isDot, next.kind == .word, let leftLast = previous.text.unicodeScalars.last, ("0"..."9").contains(leftLast),
            previous.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }),
            let rightFirst = nextText.unicodeScalars.first, ("0"..."9").contains(rightFirst),
            nextText.unicodeScalars.contains(where: { $0.properties.isAlphabetic })
        {
            return .glueUnderscore
        }
        // `Mita. - 01`: a dot followed by a space ends its word rather than separating anything.
        if isDot, next.kind == .delimiter, let scalar = nextText.unicodeScalars.first, Delimiters.isSpaceLike(scalar) {
            return .keepDot
        }
        return nil
    }

    static func shouldGlue(_ left: (token: Token, text: String), _ right: (token: Token, text: String)) -> Bool {
        let leftPiece = left.token.lastPieceLength > 0 ? left.token.lastPieceLength : left.text.unicodeScalars.count
        let rightText = right.text.unicodeScalars
        let leftLast = left.text.unicodeScalars.last!
        let rightFirst = rightText.first!
        let leftDigit = ("0"..."9").contains(leftLast)
        let rightDigit = ("0"..."9").contains(rightFirst)
        if leftPiece == 1 && rightText.count == 1 { return true }  // R.O.D, m.3.3.w
        if left.token.lastPieceLength == 1 && rightText.count <= 3 && !rightDigit { return true }  // D.C.II
        if rightText.count == 1 && rightDigit && left.text.unicodeScalars.count <= 3 { return true }  // No.6, 07.5, Ep.5
        if leftDigit && rightDigit && rightText.count <= 2 { return true }  // 1.11, 3.33, Ver1.1a
        return false
    }
}
