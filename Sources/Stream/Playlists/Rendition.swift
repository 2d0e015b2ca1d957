/// One stream of an HLS presentation, named in URLs by a short, strictly parsed id.
public enum Rendition: Sendable, Hashable, CustomStringConvertible {
    case video(VideoOutput)
    /// An audio track, by position among the file's audio tracks.
    case audio(Int)
    /// A text subtitle track as WebVTT, by position among the file's subtitle tracks.
    case subtitles(Int)

    /// `v`, `v-h264-720`, `v-h264-720-burn1`, `a0`, `s2`.
    public var description: String {
        switch self {
        case .video(.copy): "v"
        case .video(.h264(let height, nil)): "v-h264-\(height)"
        case .video(.h264(let height, let burn?)): "v-h264-\(height)-burn\(burn)"
        case .audio(let track): "a\(track)"
        case .subtitles(let track): "s\(track)"
        }
    }

    /// Parses an id made by `description`; anything else (path tricks included) is nil.
    public init?(_ id: String) {
        guard id.utf8.count <= 32, id.utf8.allSatisfy({ $0 == UInt8(ascii: "-") || (48...57).contains($0) || (97...122).contains($0) })
        else { return nil }
        func number(_ text: Substring) -> Int? {
            guard !text.isEmpty, text.count <= 5, text.allSatisfy({ ("0"..."9").contains($0) }),
                text.first != "0" || text.count == 1
            else { return nil }
            return Int(text)
        }
        if id == "v" {
            self = .video(.copy)
        } else if id.hasPrefix("v-h264-") {
            let parts = id.dropFirst(7).split(separator: "-", omittingEmptySubsequences: false)
            guard let height = number(parts[0]), height >= 2 else { return nil }
            if parts.count == 1 {
                self = .video(.h264(height: height, burnSubtitle: nil))
            } else if parts.count == 2, parts[1].hasPrefix("burn"), let track = number(parts[1].dropFirst(4)) {
                self = .video(.h264(height: height, burnSubtitle: track))
            } else {
                return nil
            }
        } else if id.hasPrefix("a"), let track = number(id.dropFirst()) {
            self = .audio(track)
        } else if id.hasPrefix("s"), let track = number(id.dropFirst()) {
            self = .subtitles(track)
        } else {
            return nil
        }
    }

    var isTranscodedVideo: Bool {
        if case .video(.h264) = self { return true }
        return false
    }
}
