/// The elements a release name is parsed into, named as Anitomy v2 names them (the `anikura parse --json` keys).
public enum FilenameElement: String, CaseIterable, Sendable, Codable {
    case title
    case episode
    case season
    case year
    case type
    case volume
    case episodeAlt = "episode_alt"
    case part
    case episodeTitle = "episode_title"
    case releaseGroup = "release_group"
    case releaseVersion = "release_version"
    case releaseInformation = "release_information"
    case videoResolution = "video_resolution"
    case videoTerm = "video_term"
    case audioTerm = "audio_term"
    case source
    case subtitles
    case language
    case fileChecksum = "file_checksum"
    case fileExtension = "file_extension"
    case deviceCompatibility = "device_compatibility"
    case other

    /// Its position in `allCases` (a switch: hashing a String-backed enum hashes its raw value).
    var ordinal: Int {
        switch self {
        case .title: 0
        case .episode: 1
        case .season: 2
        case .year: 3
        case .type: 4
        case .volume: 5
        case .episodeAlt: 6
        case .part: 7
        case .episodeTitle: 8
        case .releaseGroup: 9
        case .releaseVersion: 10
        case .releaseInformation: 11
        case .videoResolution: 12
        case .videoTerm: 13
        case .audioTerm: 14
        case .source: 15
        case .subtitles: 16
        case .language: 17
        case .fileChecksum: 18
        case .fileExtension: 19
        case .deviceCompatibility: 20
        case .other: 21
        }
    }
}

/// What a release name says: each element's values in the order they were found.
public struct ParsedFilename: Sendable, Equatable {
    /// Every value with its element's ordinal, in the order found: one small array per parse instead of one per
    /// element (a name has a handful of values; a list per element cost an allocation each).
    private var entries: [(ordinal: UInt8, value: String)] = []

    public init() {}

    public var values: [FilenameElement: [String]] {
        var values: [FilenameElement: [String]] = [:]
        for element in FilenameElement.allCases {
            let list = self[element]
            if !list.isEmpty { values[element] = list }
        }
        return values
    }

    public subscript(element: FilenameElement) -> [String] {
        let ordinal = UInt8(element.ordinal)
        var list: [String] = []
        for entry in entries where entry.ordinal == ordinal { list.append(entry.value) }
        return list
    }

    public func first(_ element: FilenameElement) -> String? {
        let ordinal = UInt8(element.ordinal)
        return entries.first { $0.ordinal == ordinal }?.value
    }

    mutating func add(_ element: FilenameElement, _ value: String) {
        guard !value.isEmpty else { return }
        if entries.isEmpty { entries.reserveCapacity(8) }
        entries.append((UInt8(element.ordinal), value))
    }

    mutating func set(_ element: FilenameElement, _ value: String) {
        remove(element)
        add(element, value)
    }

    mutating func remove(_ element: FilenameElement) {
        let ordinal = UInt8(element.ordinal)
        entries.removeAll { $0.ordinal == ordinal }
    }

    /// Equal when every element has the same values in the same order (the interleaving of elements is not kept).
    public static func == (lhs: ParsedFilename, rhs: ParsedFilename) -> Bool {
        FilenameElement.allCases.allSatisfy { lhs[$0] == rhs[$0] }
    }

    /// One JSON object: a string per element, or an array when it occurs more than once; keys in Anitomy's order.
    public var json: String {
        var bytes: [UInt8] = []
        appendJSON(to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `json`, written straight into `out` as UTF-8 (what `anikura parse --json -` does for every line, so no
    /// intermediate strings).
    public func appendJSON(to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        var first = true
        for element in FilenameElement.allCases {
            let ordinal = UInt8(element.ordinal)
            let count = entries.reduce(0) { $0 + ($1.ordinal == ordinal ? 1 : 0) }
            guard count > 0 else { continue }
            if !first { Self.append(", ", to: &out) }
            first = false
            Self.appendQuoted(element.rawValue, to: &out)
            Self.append(": ", to: &out)
            if count > 1 { out.append(UInt8(ascii: "[")) }
            var written = 0
            for entry in entries where entry.ordinal == ordinal {
                if written > 0 { Self.append(", ", to: &out) }
                Self.appendQuoted(entry.value, to: &out)
                written += 1
            }
            if count > 1 { out.append(UInt8(ascii: "]")) }
        }
        out.append(UInt8(ascii: "}"))
    }

    static func quote(_ text: String) -> String {
        var bytes: [UInt8] = []
        appendQuoted(text, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A JSON string: quote and backslash escaped, control characters as `\n`, `\r`, `\t` or `\u00XX`.
    static func appendQuoted(_ text: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { utf8 in
            // Release names almost never hold a character that needs escaping: copy them whole.
            guard utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) else {
                out.append(contentsOf: utf8)
                return
            }
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: "\""): append("\\\"", to: &out)
                case UInt8(ascii: "\\"): append("\\\\", to: &out)
                case UInt8(ascii: "\n"): append("\\n", to: &out)
                case UInt8(ascii: "\r"): append("\\r", to: &out)
                case UInt8(ascii: "\t"): append("\\t", to: &out)
                case 0..<0x20:
                    let hex = "0123456789abcdef".utf8
                    append("\\u00", to: &out)
                    out.append(hex[hex.index(hex.startIndex, offsetBy: Int(byte >> 4))])
                    out.append(hex[hex.index(hex.startIndex, offsetBy: Int(byte & 0xF))])
                default: out.append(byte)
                }
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    private static func append(_ literal: StaticString, to out: inout [UInt8]) {
        literal.withUTF8Buffer { out.append(contentsOf: $0) }
    }
}
