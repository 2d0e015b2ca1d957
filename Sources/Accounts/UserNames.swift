import Foundation

/// How user names are compared: NFKC with full case folding (`ＡＤＭＩＮ１`, `Admin1` and `admin1` are one name;
/// `Straße` is `strasse`), everywhere a name is looked up, lock-outs included. A new name is also refused when it
/// mixes Latin, Greek and Cyrillic letters, or when its skeleton is another user's: a documented subset of Unicode's
/// confusables (Cyrillic and Greek letters that look Latin, `0`/`O`, `1`/`I`/`l`; see `confusable`).
public enum UserNames {
    /// The form names are stored and shown in: NFKC (full-width letters become plain ones).
    public static func display(_ name: String) -> String {
        name.precomposedStringWithCompatibilityMapping
    }

    /// The form names are compared in.
    public static func key(_ name: String) -> String {
        display(name).folding(options: [.caseInsensitive], locale: nil).precomposedStringWithCompatibilityMapping
    }

    /// Two names with one skeleton look alike.
    public static func skeleton(_ name: String) -> String {
        var mapped = String.UnicodeScalarView()
        for scalar in display(name).unicodeScalars {
            if let latin = confusable[scalar] { mapped.append(contentsOf: latin.unicodeScalars) } else { mapped.append(scalar) }
        }
        return key(String(mapped)).replacingOccurrences(of: "rn", with: "m")
    }

    /// Letters and digits of any script, `.`, `-` and `_`; 1 to 64 characters; Latin, Greek and Cyrillic not mixed.
    public static func isValid(_ name: String) -> Bool {
        guard (1...64).contains(name.count),
            name.unicodeScalars.allSatisfy({ CharacterSet.alphanumerics.contains($0) || "._-".unicodeScalars.contains($0) })
        else { return false }
        return mixedLetters(name) == nil
    }

    /// When a name mixes Latin, Greek and Cyrillic letters: the script of its fewest letters, and those letters
    /// (what a person looks for: `аdmin` typed with a Cyrillic а looks like `admin`).
    public static func mixedLetters(_ name: String) -> (script: String, letters: String)? {
        var byScript: [Script: [Unicode.Scalar]] = [:]
        for scalar in name.unicodeScalars { if let script = script(scalar) { byScript[script, default: []].append(scalar) } }
        guard byScript.count > 1, let fewest = byScript.min(by: { $0.value.count < $1.value.count }) else { return nil }
        var letters = String.UnicodeScalarView()
        letters.append(contentsOf: fewest.value)
        return (fewest.key.rawValue, String(letters))
    }

    enum Script: String {
        case latin = "Latin"
        case greek = "Greek"
        case cyrillic = "Cyrillic"
    }

    static func script(_ scalar: Unicode.Scalar) -> Script? {
        guard scalar.properties.isAlphabetic else { return nil }
        switch scalar.value {
        case 0x41...0x5A, 0x61...0x7A, 0xC0...0x24F, 0x1E00...0x1EFF: return .latin
        case 0x370...0x3FF, 0x1F00...0x1FFF: return .greek
        case 0x400...0x52F, 0x1C80...0x1C8F, 0x2DE0...0x2DFF, 0xA640...0xA69F: return .cyrillic
        default: return nil
        }
    }

    /// Letters that look like a Latin letter or digit in common fonts, and what they look like (from Unicode's
    /// confusables.txt, the letters of the three scripts above and the digits that look like letters).
    static let confusable: [Unicode.Scalar: String] = {
        let pairs: [(String, String)] = [
            // Cyrillic capitals and small letters.
            ("А", "A"), ("В", "B"), ("Е", "E"), ("К", "K"), ("М", "M"), ("Н", "H"), ("О", "O"), ("Р", "P"), ("С", "C"),
            ("Т", "T"), ("У", "Y"), ("Х", "X"), ("Ѕ", "S"), ("І", "I"), ("Ј", "J"), ("Ԛ", "Q"), ("Ԝ", "W"), ("Ү", "Y"),
            ("а", "a"), ("е", "e"), ("о", "o"), ("р", "p"), ("с", "c"), ("у", "y"), ("х", "x"), ("ѕ", "s"), ("і", "i"),
            ("ј", "j"), ("ԁ", "d"), ("һ", "h"), ("ӏ", "l"), ("ԛ", "q"), ("ԝ", "w"), ("ү", "y"), ("ɡ", "g"),
            // Greek capitals and small letters.
            ("Α", "A"), ("Β", "B"), ("Ε", "E"), ("Ζ", "Z"), ("Η", "H"), ("Ι", "I"), ("Κ", "K"), ("Μ", "M"), ("Ν", "N"),
            ("Ο", "O"), ("Ρ", "P"), ("Τ", "T"), ("Υ", "Y"), ("Χ", "X"), ("α", "a"), ("ι", "i"), ("ν", "v"), ("ο", "o"),
            ("ρ", "p"), ("υ", "u"), ("χ", "x"), ("κ", "k"),
            // Digits and Latin letters that pass for one another.
            ("0", "O"), ("1", "l"), ("I", "l"),
        ]
        var table: [Unicode.Scalar: String] = [:]
        for (from, to) in pairs { table[from.unicodeScalars.first!] = to }
        return table
    }()
}
