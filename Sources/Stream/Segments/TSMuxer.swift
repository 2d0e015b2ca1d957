internal import CFFmpeg

/// A one-stream MPEG-TS file written with libavformat. Timestamps become media time plus
/// `HLSTimeline.offset`, the same timeline the ffmpeg-made segments and the WebVTT timestamp map use.
final class TSMuxer {
    private let path: String
    private let context: UnsafeMutablePointer<AVFormatContext>
    private let stream: UnsafeMutablePointer<AVStream>
    private var finished = false
    private var lastDTS: Int64?
    /// Frames a decoder holds back (B-frame reordering): how far decode time runs ahead of presentation time.
    private let reorderDelay: Int64

    init(path: String, copying source: UnsafeMutablePointer<AVStream>) throws(StreamError) {
        self.path = path
        var context: UnsafeMutablePointer<AVFormatContext>?
        let allocated = avformat_alloc_output_context2(&context, nil, "mpegts", path)
        guard allocated >= 0, let context else { throw .production("mpegts muxer: \(LibAVInput.message(allocated))") }
        self.context = context
        guard let stream = avformat_new_stream(context, nil) else {
            avformat_free_context(context)
            throw .production("mpegts muxer: cannot add a stream")
        }
        self.stream = stream
        reorderDelay = Int64(source.pointee.codecpar.pointee.video_delay)
        avcodec_parameters_copy(stream.pointee.codecpar, source.pointee.codecpar)
        stream.pointee.codecpar.pointee.codec_tag = 0
        stream.pointee.time_base = AVRational(num: 1, den: 90000)
        // No mux delay: a packet's TS timestamp is exactly its media time plus the timeline offset.
        context.pointee.max_delay = 0
        let opened = avio_open(&context.pointee.pb, path, AVIO_FLAG_WRITE)
        guard opened >= 0 else {
            avformat_free_context(context)
            throw .writing(path, opened, "cannot write \(path)")
        }
        let header = avformat_write_header(context, nil)
        guard header >= 0 else {
            avio_closep(&context.pointee.pb)
            avformat_free_context(context)
            throw .writing(path, header, "mpegts header")
        }
    }

    deinit {
        if !finished { avio_closep(&context.pointee.pb) }
        avformat_free_context(context)
    }

    /// Writes a packet whose timestamps are in `base`, with `origin` the container start in that base.
    func write(_ packet: UnsafeMutablePointer<AVPacket>, from base: AVRational, origin: Int64) throws(StreamError) {
        let target = stream.pointee.time_base
        let offset = Int64((HLSTimeline.offset * Double(target.den) / Double(target.num)).rounded())
        let none = anikura_nopts_value()
        if packet.pointee.pts != none { packet.pointee.pts = av_rescale_q(packet.pointee.pts - origin, base, target) + offset }
        if packet.pointee.dts != none { packet.pointee.dts = av_rescale_q(packet.pointee.dts - origin, base, target) + offset }
        packet.pointee.duration = av_rescale_q(packet.pointee.duration, base, target)
        // Matroska stores no decode times; libavformat derives them, except for the first packet after a seek.
        // Derive that one as ffmpeg does: presentation time less the reorder delay, and never going backwards.
        if packet.pointee.dts == none, packet.pointee.pts != none {
            packet.pointee.dts = packet.pointee.pts - reorderDelay * max(1, packet.pointee.duration)
        }
        if let lastDTS, packet.pointee.dts != none, packet.pointee.dts <= lastDTS { packet.pointee.dts = lastDTS + 1 }
        if packet.pointee.pts != none, packet.pointee.dts != none, packet.pointee.pts < packet.pointee.dts {
            packet.pointee.pts = packet.pointee.dts
        }
        if packet.pointee.dts != none { lastDTS = packet.pointee.dts }
        packet.pointee.stream_index = 0
        packet.pointee.pos = -1
        let written = av_interleaved_write_frame(context, packet)
        guard written >= 0 else { throw .writing(path, written, "mpegts write") }
    }

    func finish() throws(StreamError) {
        let trailer = av_write_trailer(context)
        avio_closep(&context.pointee.pb)
        finished = true
        guard trailer >= 0 else { throw .writing(path, trailer, "mpegts trailer") }
    }
}
