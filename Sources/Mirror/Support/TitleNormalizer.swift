import Foundation

/// The form titles are searched in: lower case, accents and punctuation gone, single spaces.
///
/// `Shinseiki Evangelion`, `shinseiki-evangelion` and `SHINSEIKI EVANGELION!` all become
/// `shinseiki evangelion`; `Pokémon` becomes `pokemon`. Scripts without case (Japanese, Chinese)
/// pass through, so searching in them works too.
public enum TitleNormalizer {
    public static func normalize(_ text: String) -> String {
        if text.utf8.allSatisfy({ $0 < 0x80 }) { return normalizeASCII(text.utf8) }
        let folded = text.folding(options: [.caseInsensitive, .diacriticInsensitive, .widthInsensitive], locale: nil)
        var result = ""
        result.reserveCapacity(folded.utf8.count)
        var pendingSpace = false
        for scalar in folded.unicodeScalars {
            if scalar.properties.isAlphabetic || scalar.properties.numericType != nil {
                if pendingSpace && !result.isEmpty { result.unicodeScalars.append(" ") }
                pendingSpace = false
                result.unicodeScalars.append(scalar)
            } else if scalar == "'" || scalar == "`" || scalar.properties.generalCategory == .nonspacingMark {
                continue
            } else {
                pendingSpace = true
            }
        }
        return result
    }

    private static func normalizeASCII(_ bytes: String.UTF8View) -> String {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var pendingSpace = false
        for byte in bytes {
            let lowered = (byte >= 65 && byte <= 90) ? byte + 32 : byte
            if (lowered >= 97 && lowered <= 122) || (lowered >= 48 && lowered <= 57) {
                if pendingSpace && !output.isEmpty { output.append(32) }
                pendingSpace = false
                output.append(lowered)
            } else if byte == UInt8(ascii: "'") || byte == UInt8(ascii: "`") {
                continue  // "Kino's Journey" and "Kinos Journey" should meet
            } else {
                pendingSpace = true
            }
        }
        return String(decoding: output, as: UTF8.self)
    }
}
