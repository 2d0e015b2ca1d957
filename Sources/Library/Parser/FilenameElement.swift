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
        var out = "{"
        var first = true
        for element in FilenameElement.allCases {
            let list = self[element]
            guard !list.isEmpty else { continue }
            if !first { out += ", " }
            first = false
            out += Self.quote(element.rawValue) + ": "
            out += list.count == 1 ? Self.quote(list[0]) : "[" + list.map(Self.quote).joined(separator: ", ") + "]"
        }
        return out + "}"
    }

    static func quote(_ text: String) -> String {
        if !text.utf8.contains(where: { $0 < 0x20 || $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "\\") }) {
            return "\"" + text + "\""
        }
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case _ where scalar.value < 0x20:
                let hex = String(scalar.value, radix: 16)
                out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
            default: out.unicodeScalars.append(scalar)
            }
        }
        return out + "\""
    }
}
