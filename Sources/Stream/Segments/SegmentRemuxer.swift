internal import CFFmpeg

#if canImport(Glibc)
import Glibc
#endif

/// Cuts one stream-copy segment out of a file, in process, with libavformat.
///
/// ffmpeg's command line cannot cut exactly on our boundaries: with `-c copy` its input `-ss` seeks 3/23 s
/// early when the video has B-frames, and `-to` cuts on decode timestamps, so a segment gained the next
/// segment's keyframe (measured; see the issue-5 note). Here a video segment is exactly the packets, in
/// decode order, from the keyframe at its start to the keyframe at its end, and an audio segment the
/// packets whose presentation time falls inside it; either can be made alone, after a seek, and comes out the same.
public struct SegmentRemuxer: Sendable {
    public init() {}

    /// - Parameters:
    ///   - streamIndex: the container stream to copy (video or audio).
    ///   - videoIndex: the video stream, whose index the seek uses.
    ///   - start: the segment's start, a keyframe time for video.
    ///   - end: the next segment's start, or nil for the last segment.
    ///   - output: where the MPEG-TS segment goes; written under a temporary name and renamed into place.
    public func remux(
        path: String,
        streamIndex: Int,
        videoIndex: Int,
        start: Double,
        end: Double?,
        output: String
    ) throws(StreamError) {
        // Video needs the stream info pass: it learns the B-frame delay that decode times are derived from.
        var input = try LibAVInput(path: path, findStreamInfo: streamIndex == videoIndex)
        if input.stream(streamIndex).pointee.codecpar.pointee.sample_rate == 0 && streamIndex != videoIndex {
            input = try LibAVInput(path: path, findStreamInfo: true)
        }
        let isVideo = input.stream(streamIndex).pointee.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
        if start > 0 {
            // Video: land on the start keyframe itself. Audio: a little before, then keep what is inside.
            let target = isVideo ? start + 0.0005 : max(0, start - 1)
            let sought = av_seek_frame(
                input.context,
                Int32(videoIndex),
                input.timestamp(target, stream: videoIndex),
                AVSEEK_FLAG_BACKWARD
            )
            guard sought >= 0 else { throw .unreadable(path: path, reason: LibAVInput.message(sought)) }
        }
        let inputBase = input.stream(streamIndex).pointee.time_base
        let origin = input.timestamp(0, stream: streamIndex)
        let tolerance = 0.0005
        var started = false
        let key = anikura_pkt_flag_key()
        let range = "between \(start) s and \(end.map { "\($0) s" } ?? "the end") in \(path)"
        // Video is read whole first: its decode times come from the whole segment's presentation times.
        var held = HeldPackets()
        try writeSegment(output, copying: input.stream(streamIndex), nothing: "no packets \(range)") {
            muxer throws(StreamError) in
            var written = 0
            try input.readPackets(keep: [streamIndex]) { packet throws(StreamError) in
                let raw = packet.pointee.pts != anikura_nopts_value() ? packet.pointee.pts : packet.pointee.dts
                let time = raw == anikura_nopts_value() ? nil : input.seconds(raw, stream: streamIndex)
                let isKey = packet.pointee.flags & key != 0
                if isVideo {
                    if !started {
                        // The first segment takes the file's first keyframe; others their own exact keyframe.
                        guard isKey, let time, start == 0 || abs(time - start) < tolerance else { return true }
                        started = true
                    } else if let end, isKey, let time, time >= end - tolerance {
                        return false
                    }
                    try held.append(packet)
                    return true
                }
                guard let time else { return true }
                if time < start - tolerance { return true }
                if let end, time >= end - tolerance { return false }
                try muxer.write(packet, from: inputBase, origin: origin)
                written += 1
                return true
            }
            if isVideo {
                let delay = Self.reorderDelay(input.stream(streamIndex), packets: held.packets)
                let times = DecodeTimes.assign(
                    presentation: held.packets.map(\.pointee.pts).map { $0 == anikura_nopts_value() ? nil : $0 },
                    delay: delay
                )
                for (packet, dts) in zip(held.packets, times) {
                    if let dts { packet.pointee.dts = dts }
                    try muxer.write(packet, from: inputBase, origin: origin)
                    written += 1
                }
            }
            return written
        }
    }

    /// How far decoding runs ahead of presentation, in the stream's time base: the decoder's reorder depth (known after
    /// the stream info pass) times one frame.
    static func reorderDelay(_ stream: UnsafeMutablePointer<AVStream>, packets: [UnsafeMutablePointer<AVPacket>]) -> Int64 {
        let depth = Int64(stream.pointee.codecpar.pointee.video_delay)
        guard depth > 0 else { return 0 }
        let rate = stream.pointee.avg_frame_rate.num > 0 ? stream.pointee.avg_frame_rate : stream.pointee.r_frame_rate
        var frame: Int64 = packets.first.map { $0.pointee.duration } ?? 0
        if rate.num > 0 && rate.den > 0 {
            frame = av_rescale_q(1, AVRational(num: rate.den, den: rate.num), stream.pointee.time_base)
        }
        // A time base coarser than a frame (Matroska's milliseconds) rounds a frame down: round the delay up instead.
        return depth * max(1, frame) + (frame > 0 ? depth : 0)
    }

    /// Copies the packets of a one-stream segment on the HLS timeline (one Anikura made) whose presentation time
    /// falls in [start, end) of media time into `output`, timestamps unchanged.
    public func trim(timeline path: String, start: Double, end: Double?, output: String) throws(StreamError) {
        let input = try LibAVInput(path: path, findStreamInfo: true)
        guard input.streamCount == 1 else { throw .production("\(path) is not a one-stream segment") }
        let base = input.stream(0).pointee.time_base
        // The muxer adds the timeline offset back: give it the offset as the origin so times stay as they are.
        let origin = Int64((HLSTimeline.offset * Double(base.den) / Double(base.num)).rounded())
        let range = "between \(start) s and \(end.map { "\($0) s" } ?? "the end") in \(path)"
        try writeSegment(output, copying: input.stream(0), nothing: "nothing to keep \(range)") { muxer throws(StreamError) in
            var written = 0
            try input.readPackets(keep: [0]) { packet throws(StreamError) in
                let raw = packet.pointee.pts != anikura_nopts_value() ? packet.pointee.pts : packet.pointee.dts
                guard raw != anikura_nopts_value() else { return true }
                let time = Double(raw) * Double(base.num) / Double(base.den) - HLSTimeline.offset
                guard time >= start - 0.0005 else { return true }
                if let end, time >= end - 0.0005 { return false }
                try muxer.write(packet, from: base, origin: origin)
                written += 1
                return true
            }
            return written
        }
    }

    /// Writes a segment through `fill`, which returns how many packets it wrote, under a temporary name renamed
    /// into place; on any failure, or with no packet written, nothing is left behind.
    private func writeSegment(
        _ output: String,
        copying stream: UnsafeMutablePointer<AVStream>,
        nothing: String,
        _ fill: (TSMuxer) throws(StreamError) -> Int
    ) throws(StreamError) {
        let temporary = output + ".part"
        let written: Int
        do {
            let muxer = try TSMuxer(path: temporary, copying: stream)
            written = try fill(muxer)
            try muxer.finish()
        } catch {
            unlink(temporary)
            throw error
        }
        guard written > 0 else {
            unlink(temporary)
            throw .production(nothing)
        }
        guard rename(temporary, output) == 0 else {
            unlink(temporary)
            throw .production("cannot move the segment into place at \(output)")
        }
    }
}

/// Packets copied out of the demuxer's buffer (each a new reference), freed together.
final class HeldPackets {
    private(set) var packets: [UnsafeMutablePointer<AVPacket>] = []

    func append(_ packet: UnsafeMutablePointer<AVPacket>) throws(StreamError) {
        guard let copy = av_packet_clone(packet) else { throw .production("out of memory") }
        packets.append(copy)
    }

    deinit {
        for packet in packets {
            var pointer: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&pointer)
        }
    }
}
