/// ISO 639 language codes as media files and people write them: `jpn`, `ja`; `ger`, `deu` and `de` are one language.
/// Comparisons go through `canonical`, the ISO 639-2/T code.
public enum LanguageCodes {
    /// Every form (lowercased) to its ISO 639-2/T code, and that code to the language's English name.
    private static let parsed: (forms: [String: String], names: [String: String]) = {
        var forms: [String: String] = [:]
        var names: [String: String] = [:]
        for line in table.split(separator: "\n") {
            let parts = line.split(separator: "|", maxSplits: 1)
            let codes = parts[0].split(separator: " ").map(String.init)
            for code in codes { forms[code] = codes[0] }
            names[codes[0]] = String(parts[1])
        }
        return (forms, names)
    }()

    /// The ISO 639-2/T code for any form of a known language (`ger`, `DE` → `deu`); nil for anything else.
    public static func canonical(_ code: String) -> String? {
        guard code.utf8.count <= 3 else { return nil }
        return parsed.forms[code.lowercased()]
    }

    /// The language's English name (`deu` → German); nil for an unknown code.
    public static func name(_ code: String) -> String? {
        canonical(code).flatMap { parsed.names[$0] }
    }

    /// Whether two codes name the same language (unknown codes match only themselves, ignoring case).
    public static func same(_ first: String?, _ second: String?) -> Bool {
        guard let first, let second else { return false }
        return (canonical(first) ?? first.lowercased()) == (canonical(second) ?? second.lowercased())
    }
}
