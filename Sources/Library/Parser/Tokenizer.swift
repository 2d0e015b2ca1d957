/// One piece of a release name.
struct Token {
    enum Kind: Equatable {
        case word
        case open
        case close
        case delimiter
    }

    var kind: Kind
    var text: String
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
}

/// Splits a release name into bracket, delimiter and word tokens, Anitomy-style: keywords that contain delimiters
/// (`Dual Audio`, `H.264`, `WEB-DL`) or run into the next keyword (`AAC2.0`, `BD1080p`) are cut out whole.
enum Tokenizer {
    static func tokenize(_ name: String) -> [Token] {
        let scalars = Array(name.unicodeScalars)
        var tokens: [Token] = []
        tokens.reserveCapacity(scalars.count / 3 + 4)
        var expected: [Unicode.Scalar] = []
        var group = 0
        var currentGroup = 0
        var word: [Unicode.Scalar] = []
        func flush() {
            guard !word.isEmpty else { return }
            var text = ""
            text.unicodeScalars.append(contentsOf: word)
            tokens.append(Token(kind: .word, text: text, enclosed: !expected.isEmpty, group: currentGroup))
            word.removeAll(keepingCapacity: true)
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if let closer = Delimiters.openers[scalar] {
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
            if Delimiters.closers.contains(scalar), let position = expected.lastIndex(of: scalar) {
                flush()
                expected.removeSubrange(position...)
                tokens.append(Token(kind: .close, text: String(scalar), enclosed: true, group: currentGroup))
                if expected.isEmpty { currentGroup = 0 }
                index += 1
                continue
            }
            if word.isEmpty, let length = keywordLength(scalars, at: index) {
                var text = ""
                text.unicodeScalars.append(contentsOf: scalars[index..<index + length])
                tokens.append(Token(kind: .word, text: text, enclosed: !expected.isEmpty, group: currentGroup))
                index += length
                continue
            }
            if Delimiters.isDelimiter(scalar) {
                flush()
                tokens.append(Token(kind: .delimiter, text: String(scalar), enclosed: !expected.isEmpty, group: currentGroup))
            } else {
                word.append(scalar)
            }
            index += 1
        }
        flush()
        return repairDelimiters(tokens)
    }

    // MARK: - Keywords that span delimiters or run into each other

    /// Keywords by their first scalar (lower-cased), longest first.
    static let keywordsByFirst: [Unicode.Scalar: [[Unicode.Scalar]]] = {
        var index: [Unicode.Scalar: [[Unicode.Scalar]]] = [:]
        for keyword in Keywords.table.keys {
            let scalars = Array(keyword.unicodeScalars)
            index[scalars[0], default: []].append(scalars)
        }
        return index.mapValues { $0.sorted { $0.count > $1.count } }
    }()

    static func lower(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if ("A"..."Z").contains(scalar) { return Unicode.Scalar(scalar.value + 32)! }
        return scalar
    }

    static func isBoundary(_ scalars: [Unicode.Scalar], _ index: Int) -> Bool {
        index >= scalars.count || Delimiters.isDelimiter(scalars[index]) || Delimiters.openers[scalars[index]] != nil
            || Delimiters.closers.contains(scalars[index])
    }

    /// The length of the keyword starting at `index`, if one does and it ends at a boundary or runs straight into
    /// another keyword or a resolution (`AAC2.0`, `10bitH.264`, `BD1080p`).
    static func keywordLength(_ scalars: [Unicode.Scalar], at index: Int, depth: Int = 0) -> Int? {
        guard let candidates = keywordsByFirst[lower(scalars[index])] else {
            return depth > 0 ? resolutionLength(scalars, at: index) : nil
        }
        for keyword in candidates where index + keyword.count <= scalars.count {
            var matches = true
            for (offset, expected) in keyword.enumerated() {
                let actual = lower(scalars[index + offset])
                if actual == expected { continue }
                // A keyword's inner delimiter matches any delimiter (`Dual_Audio`, `Dual.Audio`).
                if Delimiters.isDelimiter(expected) && Delimiters.isDelimiter(actual) && expected != "-" { continue }
                matches = false
                break
            }
            guard matches else { continue }
            let end = index + keyword.count
            // Only compound keywords, or keywords glued to another, are cut here; plain words split at delimiters.
            let isCompound = keyword.contains(where: Delimiters.isDelimiter)
            var text = ""
            text.unicodeScalars.append(contentsOf: keyword)
            let ambiguous = Keywords.table[text]?.ambiguous ?? true
            if isBoundary(scalars, end) {
                if isCompound || (depth > 0 && !ambiguous) { return keyword.count }
                // The whole word is a keyword (`HDTV`, `JapDub`): never split it into shorter ones.
                return nil
            }
            if depth < 2, !ambiguous, keywordLength(scalars, at: end, depth: depth + 1) != nil { return keyword.count }
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
        var out: [Token] = []
        out.reserveCapacity(tokens.count)
        var index = 0
        while index < tokens.count {
            let token = tokens[index]
            if token.kind == .delimiter, token.text == ".", let previous = out.last, previous.kind == .word,
                previous.keyword == nil, index + 1 < tokens.count, tokens[index + 1].kind == .word,
                tokens[index + 1].keyword == nil, shouldGlue(previous, tokens[index + 1])
            {
                let next = tokens[index + 1]
                out[out.count - 1].text += "." + next.text
                out[out.count - 1].lastPieceLength = next.text.count
                index += 2
                continue
            }
            // `Ver1_1a`: an underscore between a number and a numbered suffix is part of the word.
            if token.kind == .delimiter, token.text == "_", let previous = out.last, previous.kind == .word,
                previous.keyword == nil, index + 1 < tokens.count, tokens[index + 1].kind == .word,
                let leftLast = previous.text.unicodeScalars.last, ("0"..."9").contains(leftLast),
                previous.text.unicodeScalars.contains(where: { $0.properties.isAlphabetic }),
                let rightFirst = tokens[index + 1].text.unicodeScalars.first, ("0"..."9").contains(rightFirst),
                tokens[index + 1].text.unicodeScalars.contains(where: { $0.properties.isAlphabetic })
            {
                out[out.count - 1].text += "_" + tokens[index + 1].text
                index += 2
                continue
            }
            // `Mita. - 01`: a dot followed by a space ends its word rather than separating anything.
            if token.kind == .delimiter, token.text == ".", let previous = out.last, previous.kind == .word,
                previous.keyword == nil, index + 1 < tokens.count, tokens[index + 1].kind == .delimiter,
                let next = tokens[index + 1].text.unicodeScalars.first, Delimiters.isSpaceLike(next)
            {
                out[out.count - 1].text += "."
                index += 1
                continue
            }
            out.append(token)
            index += 1
        }
        return out
    }

    static func shouldGlue(_ left: Token, _ right: Token) -> Bool {
        let leftPiece = left.lastPieceLength > 0 ? left.lastPieceLength : left.text.count
        let rightText = right.text
        let leftLast = left.text.unicodeScalars.last!
        let rightFirst = rightText.unicodeScalars.first!
        let leftDigit = ("0"..."9").contains(leftLast)
        let rightDigit = ("0"..."9").contains(rightFirst)
        if leftPiece == 1 && rightText.count == 1 { return true }  // R.O.D, m.3.3.w
        if left.lastPieceLength == 1 && rightText.count <= 3 && !rightDigit { return true }  // D.C.II
        if rightText.count == 1 && rightDigit && left.text.count <= 3 { return true }  // No.6, 07.5, Ep.5
        if leftDigit && rightDigit && rightText.count <= 2 { return true }  // 1.11, 3.33, Ver1.1a
        return false
    }
}
