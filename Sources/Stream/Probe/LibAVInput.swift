internal import CFFmpeg

/// An opened libavformat input, closed when this goes away. Only local files are opened: the protocol
/// whitelist keeps a crafted name (`concat:`, `http:`, …) from reaching anything else.
final class LibAVInput {
    let context: UnsafeMutablePointer<AVFormatContext>
    let path: String

    init(path: String, findStreamInfo: Bool) throws(StreamError) {
        av_log_set_level(AV_LOG_QUIET)
        var options: OpaquePointer?
        av_dict_set(&options, "protocol_whitelist", "file", 0)
        defer { av_dict_free(&options) }
        var context: UnsafeMutablePointer<AVFormatContext>?
        let opened = avformat_open_input(&context, path, nil, &options)
        guard opened >= 0, let context else { throw .unreadable(path: path, reason: Self.message(opened)) }
        self.context = context
        self.path = path
        if findStreamInfo {
            let found = avformat_find_stream_info(context, nil)
            guard found >= 0 else { throw .unreadable(path: path, reason: Self.message(found)) }
        }
    }

    deinit {
        var context: UnsafeMutablePointer<AVFormatContext>? = context
        avformat_close_input(&context)
    }

    var streamCount: Int { Int(context.pointee.nb_streams) }

    func stream(_ index: Int) -> UnsafeMutablePointer<AVStream> { context.pointee.streams[index]! }

    /// The container's first timestamp in seconds (0 when it has none).
    var startTime: Double {
        let start = context.pointee.start_time
        return start == anikura_nopts_value() ? 0 : Double(start) / Double(AV_TIME_BASE)
    }

    /// The main video stream: not a cover picture attached to the file.
    var videoStreamIndex: Int? {
        (0..<streamCount).first { index in
            let stream = stream(index).pointee
            return stream.codecpar.pointee.codec_type == AVMEDIA_TYPE_VIDEO
                && stream.disposition & AV_DISPOSITION_ATTACHED_PIC == 0
        }
    }

    /// Seconds for a timestamp in a stream's time base, relative to the container start.
    func seconds(_ timestamp: Int64, stream index: Int) -> Double {
        let base = stream(index).pointee.time_base
        return Double(timestamp) * Double(base.num) / Double(base.den) - startTime
    }

    /// The stream timestamp for a media time in seconds.
    func timestamp(_ seconds: Double, stream index: Int) -> Int64 {
        let base = stream(index).pointee.time_base
        return Int64(((seconds + startTime) * Double(base.den) / Double(base.num)).rounded())
    }

    /// Reads packets of the streams in `keep` (others are not even demuxed fully) until `body` returns false.
    func readPackets(
        keep: Set<Int>,
        _ body: (UnsafeMutablePointer<AVPacket>) throws(StreamError) -> Bool
    )
        throws(StreamError)
    {
        for index in 0..<streamCount {
            stream(index).pointee.discard = keep.contains(index) ? AVDISCARD_DEFAULT : AVDISCARD_ALL
        }
        guard let packet = av_packet_alloc() else { throw .production("out of memory") }
        var packetPointer: UnsafeMutablePointer<AVPacket>? = packet
        defer { av_packet_free(&packetPointer) }
        while true {
            let read = av_read_frame(context, packet)
            if read == anikura_averror_eof() { return }
            guard read >= 0 else { throw .unreadable(path: path, reason: Self.message(read)) }
            defer { av_packet_unref(packet) }
            guard keep.contains(Int(packet.pointee.stream_index)) else { continue }
            guard try body(packet) else { return }
        }
    }

    static func message(_ code: Int32) -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        av_strerror(code, &buffer, buffer.count)
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The container's chapters as it stores them, in media time (the container's start is 0).
    var chapters: [Chapter] {
        let count = Int(context.pointee.nb_chapters)
        guard count > 0, let list = context.pointee.chapters else { return [] }
        return (0..<count).compactMap { index in
            guard let chapter = list[index]?.pointee, chapter.time_base.den > 0 else { return nil }
            let unit = Double(chapter.time_base.num) / Double(chapter.time_base.den)
            return Chapter(
                title: Self.metadata(chapter.metadata, "title"),
                start: Double(chapter.start) * unit - startTime,
                end: Double(chapter.end) * unit - startTime
            )
        }
    }

    static func string(_ pointer: UnsafePointer<CChar>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func metadata(_ dictionary: OpaquePointer?, _ key: String) -> String? {
        guard let entry = av_dict_get(dictionary, key, nil, 0), let value = entry.pointee.value else { return nil }
        let text = String(cString: value)
        return text.isEmpty ? nil : text
    }
}
