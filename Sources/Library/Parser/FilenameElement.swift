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
}

/// What a release name says: each element's values in the order they were found.
public struct ParsedFilename: Sendable, Equatable {
    public private(set) var values: [FilenameElement: [String]] = [:]

    public init() {}

    public subscript(element: FilenameElement) -> [String] { values[element] ?? [] }

    public func first(_ element: FilenameElement) -> String? { values[element]?.first }

    mutating func add(_ element: FilenameElement, _ value: String) {
        guard !value.isEmpty else { return }
        values[element, default: []].append(value)
    }

    mutating func set(_ element: FilenameElement, _ value: String) {
        values[element] = value.isEmpty ? nil : [value]
    }

    mutating func remove(_ element: FilenameElement) { values[element] = nil }

    /// One JSON object: a string per element, or an array when it occurs more than once; keys in Anitomy's order.
    public var json: String {
        var out = "{"
        var first = true
        for element in FilenameElement.allCases {
            guard let list = values[element], !list.isEmpty else { continue }
            if !first { out += ", " }
            first = false
            out += Self.quote(element.rawValue) + ": "
            out += list.count == 1 ? Self.quote(list[0]) : "[" + list.map(Self.quote).joined(separator: ", ") + "]"
        }
        return out + "}"
    }

    static func quote(_ text: String) -> String {
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
