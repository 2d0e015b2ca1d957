import Foundation

/// The form titles are compared in: lower case, accents, width and punctuation gone, single spaces.
///
/// AniDB's quirks are kept apart where they tell anime apart. A backtick stands for an apostrophe
/// (`Knockin\` on Heaven\`s Door`); an apostrophe inside a word goes (`heavens`), but one that ends a title word is
/// a mark AniDB uses for a season (`Gintama\``, `Working\`!!`), so it stays as a word of its own and `Gintama'`
/// meets `Gintama\`` but not `Gintama`. Likewise `°` (`Gintama°`) stays, runs of `!` and `?` stay
/// (`K-On!!`), so does a colon ending a title (`Nisekoi:`), `×` becomes `x` and `&` becomes `and`. `plain` drops the marks, for names that leave them out.
enum MatchKey {
    static func key(_ text: String) -> String {
        var words: [String] = []
        var word = ""
        var scalars: [Unicode.Scalar] = []
        scalars.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars { ScalarFolding.append(scalar, to: &scalars) }
        func flush() {
            if !word.isEmpty { words.append(word) }
            word = ""
        }
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            index += 1
            switch scalar {
            case "A"..."Z":
                word.unicodeScalars.append(Unicode.Scalar(scalar.value + 32)!)
            case "a"..."z", "0"..."9":
                word.unicodeScalars.append(scalar)
            case "'", "`", "\u{00B4}", "\u{2019}", "\u{2018}", "\u{02BC}":
                // Inside a word (`heaven's`) it goes; ending a word it is a mark.
                if index < scalars.count, isWordScalar(scalars[index]) { continue }
                if !word.isEmpty {
                    flush()
                    words.append("'")
                }
            case "\u{00B0}", "\u{309C}":
                flush()
                words.append("°")
            case "\u{00D7}":
                flush()
                words.append("x")
            case "&":
                flush()
                words.append("and")
            case "!", "?":
                // `K-On!` and `K-On!!`, `Working!!` and `Working!!!` are different anime: a run is a mark too.
                let continuesRun = index >= 2 && scalars[index - 2] == scalar && words.last?.first == Character(scalar)
                flush()
                if continuesRun {
                    words[words.count - 1].unicodeScalars.append(scalar)
                } else {
                    words.append(String(scalar))
                }
            default:
                if isWordScalar(scalar) {
                    word.unicodeScalars.append(scalar)
                } else if scalar.properties.generalCategory == .nonspacingMark {
                    continue
                } else {
                    flush()
                }
            }
        }
        flush()
        // `Nisekoi:` is the second season of `Nisekoi`: a colon ending a title is a mark too.
        if let last = scalars.last(where: { !$0.properties.isWhitespace }), last == ":", !words.isEmpty { words.append(":") }
        return words.joined(separator: " ")
    }

    /// The key without its marks (`'`, `°`, `:`, runs of `!` and `?`).
    static func plain(_ key: String) -> String { String(decoding: ByteKey.parts(of: key).plain.bytes, as: UTF8.self) }

    /// The plain key with no spaces: `usagi desu ka` meets `usagi desuka`, `ano hana` meets `anohana`.
    static func compact(_ key: String) -> String { String(decoding: ByteKey.parts(of: key).compact.bytes, as: UTF8.self) }

    private static func isWordScalar(_ scalar: Unicode.Scalar) -> Bool {
        if scalar.isASCII {
            return (scalar >= "a" && scalar <= "z") || (scalar >= "A" && scalar <= "Z") || (scalar >= "0" && scalar <= "9")
        }
        return scalar.properties.isAlphabetic || scalar.properties.numericType != nil
    }
}

/// Case, accent and width folding one scalar at a time. Foundation's `folding` on whole strings was most of the
/// time of indexing 110,000 titles; the scalars it changes below U+2000 (Latin, Greek, Cyrillic and more) are
/// folded once into a table, full-width ASCII is shifted, and other scripts only lose case.
enum ScalarFolding {
    private static let tableEnd: UInt32 = 0x2000
    private static let table: [[Unicode.Scalar]] = (0x80..<tableEnd).map { value in
        guard let scalar = Unicode.Scalar(value) else { return [] }
        let folded = String(scalar).folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        return Array(folded.unicodeScalars)
    }

    static func append(_ scalar: Unicode.Scalar, to output: inout [Unicode.Scalar]) {
        let value = scalar.value
        if value < 0x80 {
            output.append(scalar)
        } else if value < tableEnd {
            output.append(contentsOf: table[Int(value - 0x80)])
        } else if (0xFF01...0xFF5E).contains(value), let ascii = Unicode.Scalar(value - 0xFEE0) {
            // Full-width ASCII (`Ｆａｔｅ`), lower-cased by the caller's ASCII rule.
            output.append(ascii)
        } else if scalar.properties.changesWhenLowercased {
            output.append(contentsOf: scalar.properties.lowercaseMapping.unicodeScalars)
        } else {
            output.append(scalar)
        }
    }
}
