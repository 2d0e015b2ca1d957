internal import CFFmpeg

/// What a text subtitle track's events hold: how many there are, which styles they use and whether any is typeset
/// (placed, moved, rotated, clipped, drawn or timed as karaoke), which only libass can show as meant.
struct SubtitleSurvey: Equatable {
    var events = 0
    var styles: Set<Substring> = []
    var typeset = false

    /// Styled: ASS with typesetting, or with two or more styles in use.
    var styled: Bool { typeset || styles.count >= 2 }

    /// Reads the packets of `tracks` (container stream indexes) once, from the start, every other stream discarded.
    static func read(path: String, tracks: [Int]) throws(StreamError) -> [Int: SubtitleSurvey] {
        var surveys = Dictionary(uniqueKeysWithValues: tracks.map { ($0, SubtitleSurvey()) })
        guard !tracks.isEmpty else { return surveys }
        let input = try LibAVInput(path: path, findStreamInfo: false)
        try input.readPackets(keep: Set(tracks)) { packet in
            let index = Int(packet.pointee.stream_index)
            let size = Int(packet.pointee.size)
            guard let data = packet.pointee.data, size > 0 else { return true }
            surveys[index]?.add(event: UnsafeBufferPointer(start: data, count: size))
            return true
        }
        return surveys
    }

    /// One event as libavformat gives it; ASS events in Matroska are
    /// `ReadOrder,Layer,Style,Name,MarginL,MarginR,MarginV,Effect,Text`.
    mutating func add(event bytes: UnsafeBufferPointer<UInt8>) {
        events += 1
        let line = Substring(decoding: bytes, as: UTF8.self)
        let fields = line.split(separator: ",", maxSplits: 8, omittingEmptySubsequences: false)
        guard fields.count == 9 else { return }
        styles.insert(fields[2])
        if !typeset { typeset = Self.isTypeset(fields[8]) }
    }

    /// Whether ASS text has an override tag that places or animates it: `\pos`, `\move`, `\org`, `\clip`, `\iclip`,
    /// rotation (`\fr`, `\frx`, `\fry`, `\frz`), karaoke (`\k`, `\K`, `\kf`, `\ko`) or a drawing (`\p1`).
    static func isTypeset(_ text: Substring) -> Bool {
        var inBlock = false
        var tag: [Character] = []
        func typesetTag() -> Bool {
            let name = String(tag)
            if ["pos(", "move(", "org(", "clip(", "iclip("].contains(where: name.hasPrefix) { return true }
            guard let first = tag.first else { return false }
            let rest = tag.dropFirst()
            switch first {
            case "f":
                guard rest.first == "r" else { return false }
                let after = rest.dropFirst().first
                return after == nil || after.map { "xyz-.0123456789".contains($0) } == true
            case "k", "K":
                let after = (rest.first == "f" || rest.first == "o") ? rest.dropFirst().first : rest.first
                return after?.isNumber == true
            case "p":
                return rest.first?.isNumber == true && rest.first != "0"
            default:
                return false
            }
        }
        for character in text {
            switch character {
            case "{":
                inBlock = true
                tag = []
            case "}":
                if inBlock && typesetTag() { return true }
                inBlock = false
                tag = []
            case "\\" where inBlock:
                if typesetTag() { return true }
                tag = []
            default:
                if inBlock && tag.count < 8 { tag.append(character) }
            }
        }
        return false
    }
}
