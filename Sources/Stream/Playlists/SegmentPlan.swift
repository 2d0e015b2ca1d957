/// Where an HLS stream's segments start and end.
///
/// Restarting ffmpeg's own HLS muxer mid-file cuts on a different grid than a full run (Jellyfin #17966),
/// so we choose the boundaries ourselves, once, from the file's keyframes: each segment starts on the first
/// keyframe at least the target length after the previous start, so no segment but the last is shorter than
/// the target. Any segment can then be made on its own (a seek) and still line up with its neighbours.
public struct SegmentPlan: Sendable, Equatable {
    public struct Segment: Sendable, Equatable {
        public var start: Double
        public var duration: Double
    }

    public let segments: [Segment]

    /// - Parameters:
    ///   - keyframes: presentation times of keyframes in seconds, any order; empty for an all-intra or unknown file.
    ///   - duration: the media's duration in seconds.
    ///   - target: the target segment length (`hls.segment_secs`).
    public init(keyframes: [Double], duration: Double, target: Double) {
        precondition(target > 0, "segment target must be positive")
        guard duration > 0 else {
            segments = []
            return
        }
        let sorted = keyframes.filter { $0 >= 0 && $0 < duration }.sorted()
        var starts: [Double] = [0]
        var next = target
        if sorted.isEmpty {
            while next < duration {
                starts.append(next)
                next += target
            }
        } else {
            var index = 0
            while next < duration {
                while index < sorted.count && sorted[index] < next { index += 1 }
                guard index < sorted.count else { break }
                let boundary = sorted[index]
                if boundary > starts.last! { starts.append(boundary) }
                next = boundary + target
            }
        }
        var segments: [Segment] = []
        for (position, start) in starts.enumerated() {
            let end = position + 1 < starts.count ? starts[position + 1] : duration
            segments.append(Segment(start: start, duration: end - start))
        }
        self.segments = segments
    }

    /// A VOD media playlist naming each segment by its index.
    public func playlist(segmentURI: (Int) -> String) -> String {
        let longest = segments.map(\.duration).max() ?? 0
        var lines = [
            "#EXTM3U", "#EXT-X-VERSION:3", "#EXT-X-PLAYLIST-TYPE:VOD",
            "#EXT-X-TARGETDURATION:\(Int(longest.rounded(.up)))", "#EXT-X-MEDIA-SEQUENCE:0",
        ]
        for (index, segment) in segments.enumerated() {
            lines.append("#EXTINF:\(Self.format(segment.duration)),")
            lines.append(segmentURI(index))
        }
        lines.append("#EXT-X-ENDLIST")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func format(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded())
        let fraction = millis % 1000
        return "\(millis / 1000)." + String(repeating: "0", count: 3 - String(fraction).count) + String(fraction)
    }
}
