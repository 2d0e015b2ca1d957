import Stream
import Testing

@Suite("HLS segment plan")
struct SegmentPlanTests {
    @Test("each segment starts on the first keyframe at least the target after the previous start")
    func keyframeAligned() {
        let keyframes = [0, 2.5, 5, 6.2, 8, 12.1, 13, 18.4, 20]
        let plan = SegmentPlan(keyframes: keyframes, duration: 22, target: 6)
        #expect(plan.segments.map(\.start) == [0, 6.2, 13, 20])
        #expect(plan.segments.dropLast().allSatisfy { $0.duration >= 6 })
        #expect(plan.segments.last?.duration == 2)
        #expect(abs(plan.segments.map(\.duration).reduce(0, +) - 22) < 1e-9)
    }

    @Test("without keyframes the grid is fixed; an empty file has no segments")
    func fixedGrid() {
        #expect(SegmentPlan(keyframes: [], duration: 13, target: 6).segments.map(\.start) == [0, 6, 12])
        #expect(SegmentPlan(keyframes: [], duration: 0, target: 6).segments.isEmpty)
        #expect(SegmentPlan(keyframes: [0], duration: 30, target: 6).segments.count == 1, "one keyframe: one segment")
    }

    @Test("the playlist is a complete VOD playlist")
    func playlist() {
        let plan = SegmentPlan(keyframes: [0, 6, 12.5], duration: 14, target: 6)
        let text = plan.playlist { "seg\($0).ts" }
        #expect(
            text == """
                #EXTM3U
                #EXT-X-VERSION:3
                #EXT-X-PLAYLIST-TYPE:VOD
                #EXT-X-TARGETDURATION:7
                #EXT-X-MEDIA-SEQUENCE:0
                #EXTINF:6.000,
                seg0.ts
                #EXTINF:6.500,
                seg1.ts
                #EXTINF:1.500,
                seg2.ts
                #EXT-X-ENDLIST

                """
        )
    }
}

@Suite("Decode times")
struct DecodeTimesTests {
    @Test("sorted presentation times less the delay: rising, never after a packet's own presentation time")
    func assigned() {
        // I P B B P B B in decode order, presentation 0 3 1 2 6 4 5 (one frame = 1), two frames of reorder delay.
        let times = DecodeTimes.assign(presentation: [0, 3, 1, 2, 6, 4, 5], delay: 2)
        #expect(times == [-2, -1, 0, 1, 2, 3, 4])
        // Too small a delay (a damaged stream) still gives rising decode times; the muxer then holds presentation back.
        #expect(DecodeTimes.assign(presentation: [0, 3, 1, 2], delay: 0) == [0, 1, 2, 3])
        // A packet without a presentation time leaves the run to the demuxer's own guesses.
        #expect(DecodeTimes.assign(presentation: [0, nil, 1], delay: 1) == [nil, nil, nil])
    }
}
