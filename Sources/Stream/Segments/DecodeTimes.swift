/// Decode timestamps for a run of video packets that carry presentation times only.
///
/// Matroska stores no decode times; libavformat guesses them from a reorder buffer, and right after a seek its
/// guesses repeat and jump (measured on x264 with B-frames: 9.941, 10.066, 10.066, 10.106 s). Chromium's HLS player
/// takes such a jump for a discontinuity and drops every frame up to the next keyframe, which stalled native
/// playback. Here a segment's packets, in decode order, get the segment's presentation times in sorted order, less
/// the stream's reorder delay: strictly increasing, never after a packet's own presentation time for a stream whose
/// frames reorder by at most `delay`, and the same for a segment whether it was made in order or after a seek.
public enum DecodeTimes {
    /// - Parameters:
    ///   - presentation: each packet's presentation time, in decode order (nil where a packet has none).
    ///   - delay: how far decoding runs ahead of presentation (reorder depth × frame duration), in the same units.
    public static func assign(presentation: [Int64?], delay: Int64) -> [Int64?] {
        let sorted = presentation.compactMap { $0 }.sorted()
        guard sorted.count == presentation.count else { return presentation.map { _ in nil } }
        var result: [Int64?] = []
        result.reserveCapacity(sorted.count)
        var previous: Int64?
        for (position, pts) in presentation.enumerated() {
            // Never later than the packet's own presentation time, never equal to or before the previous one.
            var dts = min(sorted[position] - delay, pts!)
            if let previous, dts <= previous { dts = previous + 1 }
            result.append(dts)
            previous = dts
        }
        return result
    }
}
