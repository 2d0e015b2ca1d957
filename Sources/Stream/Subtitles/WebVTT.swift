import Foundation

/// A WebVTT document as ffmpeg writes it from ASS, SSA or SRT, cut into HLS subtitle segments.
public struct WebVTT: Sendable, Equatable {
    public struct Cue: Sendable, Equatable {
        public var start: Double
        public var end: Double
        /// Cue settings after the timing (`align:start line:0`), kept as they are.
        public var settings: String
        public var text: String
    }

    public var cues: [Cue]

    /// Reads the cues; anything that is not a well-formed cue (the header, notes, styles) is skipped.
    public init(parsing document: String) {
        var cues: [Cue] = []
        let blocks = document.replacingOccurrences(of: "\r\n", with: "\n").components(separatedBy: "\n\n")
        for block in blocks {
            let lines = block.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            guard let timing = lines.firstIndex(where: { $0.contains("-->") }) else { continue }
            let parts = lines[timing].components(separatedBy: "-->")
            guard parts.count == 2, let start = Self.seconds(parts[0].trimmingCharacters(in: .whitespaces)) else { continue }
            let rest = parts[1].trimmingCharacters(in: .whitespaces)
            let endText = rest.prefix { !$0.isWhitespace }
            guard let end = Self.seconds(String(endText)), end >= start else { continue }
            let settings = rest.dropFirst(endText.count).trimmingCharacters(in: .whitespaces)
            let text = lines[(timing + 1)...].joined(separator: "\n").trimmingCharacters(in: .newlines)
            guard !text.isEmpty else { continue }
            cues.append(Cue(start: start, end: end, settings: settings, text: text))
        }
        self.cues = cues.sorted { $0.start < $1.start }
    }

    /// One HLS subtitle segment: the cues that show during [start, end), with their own times, and the
    /// timestamp map that puts cue time 0 where the audio and video segments put media time 0.
    public func segment(start: Double, end: Double) -> String {
        var text = "WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:\(HLSTimeline.offsetTicks),LOCAL:00:00:00.000\n"
        for cue in cues where cue.end > start && cue.start < end {
            text += "\n\(Self.timestamp(cue.start)) --> \(Self.timestamp(cue.end))"
            if !cue.settings.isEmpty { text += " " + cue.settings }
            text += "\n\(cue.text)\n"
        }
        return text
    }

    /// `01:02:03.456`, `02:03.456`.
    static func seconds(_ text: String) -> Double? {
        let fields = text.split(separator: ":")
        guard (2...3).contains(fields.count), let last = Double(fields.last!), last >= 0, last < 60 else { return nil }
        var total = last
        var scale = 60.0
        for field in fields.dropLast().reversed() {
            guard let value = Int(field), value >= 0 else { return nil }
            total += Double(value) * scale
            scale *= 60
        }
        return total
    }

    static func timestamp(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let hours = millis / 3_600_000
        let minutes = millis / 60_000 % 60
        let secs = millis / 1000 % 60
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        let fraction = String(millis % 1000)
        return "\(two(hours)):\(two(minutes)):\(two(secs))." + String(repeating: "0", count: 3 - fraction.count) + fraction
    }
}
