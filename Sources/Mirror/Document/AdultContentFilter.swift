import Foundation

/// Makes the `mature=false` variant of a document: the same bytes with the adult tags cut out.
///
/// AniDB-Service re-serialises the whole document per request (and loses the XML declaration);
/// we cut whole `<tag>`/`<category>` elements out of the original bytes once, at import, so the
/// rest of the document stays byte-for-byte what AniDB sent.
public enum AdultContentFilter {
    /// True when the parsed document has a tag or category that `filtered` would cut, by the same rules.
    public static func applies(to document: AnimeDocument) -> Bool {
        document.tags.contains { ($0.kind == "tag" ? Element.tag : Element.category).isAdult($0.name) }
    }

    /// Returns nil when the document has nothing to remove.
    ///
    /// - Modern schema: `<tag>` elements named `18 restricted`.
    /// - Pre-2015 schema: `<category>` elements whose name contains hentai, pornography, 18 restricted or adult.
    public static func filtered(_ bytes: [UInt8]) -> [UInt8]? {
        var removals: [Range<Int>] = []
        for element in [Element.tag, Element.category] {
            var cursor = 0
            while let start = find(element.open, in: bytes, from: cursor) {
                let afterName = start + element.open.count
                guard afterName < bytes.count, bytes[afterName] == UInt8(ascii: " ") || bytes[afterName] == UInt8(ascii: ">")
                else {
                    cursor = afterName
                    continue
                }
                guard let close = find(element.close, in: bytes, from: afterName) else { break }
                let end = close + element.close.count
                if let name = elementName(bytes, in: afterName..<close), element.isAdult(name) {
                    removals.append(withLeadingWhitespace(bytes, start)..<end)
                }
                cursor = end
            }
        }
        guard !removals.isEmpty else { return nil }
        removals.sort { $0.lowerBound < $1.lowerBound }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var position = 0
        for range in removals where range.lowerBound >= position {
            output.append(contentsOf: bytes[position..<range.lowerBound])
            position = range.upperBound
        }
        output.append(contentsOf: bytes[position...])
        return output
    }

    private enum Element {
        case tag, category

        var open: [UInt8] { Array((self == .tag ? "<tag" : "<category").utf8) }
        var close: [UInt8] { Array((self == .tag ? "</tag>" : "</category>").utf8) }

        func isAdult(_ name: String) -> Bool {
            let name = name.lowercased()
            switch self {
            case .tag: return name == "18 restricted"
            case .category: return ["hentai", "pornography", "18 restricted", "adult"].contains { name.contains($0) }
            }
        }
    }

    /// Include the indentation and line break before an element, so indented documents stay tidy.
    private static func withLeadingWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index > 0, bytes[index - 1] == UInt8(ascii: " ") || bytes[index - 1] == UInt8(ascii: "\t") { index -= 1 }
        if index > 0, bytes[index - 1] == UInt8(ascii: "\n") { index -= 1 }
        if index > 0, bytes[index - 1] == UInt8(ascii: "\r") { index -= 1 }
        return index
    }

    private static func elementName(_ bytes: [UInt8], in range: Range<Int>) -> String? {
        let open = Array("<name>".utf8)
        let close = Array("</name>".utf8)
        guard let start = find(open, in: bytes, from: range.lowerBound), start < range.upperBound,
            let end = find(close, in: bytes, from: start), end <= range.upperBound
        else { return nil }
        return XMLText.unescape(String(decoding: bytes[(start + open.count)..<end], as: UTF8.self))
    }

    static func find(_ needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard let first = needle.first, from >= 0, haystack.count - from >= needle.count else { return nil }
        return haystack.withUnsafeBufferPointer { hay in
            needle.withUnsafeBufferPointer { pattern in
                var index = from
                let last = hay.count - pattern.count
                while index <= last {
                    // memchr finds candidate first bytes at memory speed.
                    guard let hit = memchr(hay.baseAddress! + index, Int32(first), last - index + 1) else { return nil }
                    index = hay.baseAddress!.distance(to: hit.assumingMemoryBound(to: UInt8.self))
                    if memcmp(hay.baseAddress! + index, pattern.baseAddress!, pattern.count) == 0 { return index }
                    index += 1
                }
                return nil
            }
        }
    }
}

/// The five predefined XML entities and numeric character references.
enum XMLText {
    static func unescape(_ text: String) -> String {
        guard text.contains("&") else { return text }
        var result = ""
        var rest = Substring(text)
        while let amp = rest.firstIndex(of: "&") {
            result += rest[..<amp]
            guard let semi = rest[amp...].firstIndex(of: ";") else { break }
            let entity = rest[rest.index(after: amp)..<semi]
            switch entity {
            case "amp": result += "&"
            case "lt": result += "<"
            case "gt": result += ">"
            case "quot": result += "\""
            case "apos": result += "'"
            default:
                let scalar =
                    entity.hasPrefix("#x")
                    ? UInt32(entity.dropFirst(2), radix: 16)
                    : entity.hasPrefix("#") ? UInt32(entity.dropFirst()) : nil
                if let scalar, let character = Unicode.Scalar(scalar) { result.unicodeScalars.append(character) } else { result += rest[amp...semi] }
            }
            rest = rest[rest.index(after: semi)...]
        }
        return result + rest
    }

    static func escape(_ text: String) -> String {
        var result = ""
        result.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": result += "&amp;"
            case "<": result += "&lt;"
            case ">": result += "&gt;"
            case "\"": result += "&quot;"
            default: result.unicodeScalars.append(character)
            }
        }
        return result
    }
}
