internal import CFFmpeg

/// Reads a file's streams and keyframe times with libavformat.
public struct MediaProber: Sendable {
    public init() {}

    public func probe(path: String) throws(StreamError) -> MediaInfo {
        let input = try LibAVInput(path: path, findStreamInfo: true)
        let context = input.context.pointee
        let duration = context.duration == anikura_nopts_value() ? 0 : Double(context.duration) / Double(AV_TIME_BASE)
        var info = MediaInfo(
            container: LibAVInput.string(context.iformat.pointee.name) ?? "unknown",
            duration: max(0, duration),
            startTime: input.startTime,
            bitRate: Int(context.bit_rate),
            video: nil,
            audio: [],
            subtitles: [],
            keyframes: [],
            keyframesFromIndex: true
        )
        let videoIndex = input.videoStreamIndex
        for index in 0..<input.streamCount {
            let stream = input.stream(index).pointee
            let parameters = stream.codecpar.pointee
            let codec = LibAVInput.string(avcodec_get_name(parameters.codec_id)) ?? "unknown"
            let language = LibAVInput.metadata(stream.metadata, "language")
            let title = LibAVInput.metadata(stream.metadata, "title")
            let isDefault = stream.disposition & AV_DISPOSITION_DEFAULT != 0
            switch parameters.codec_type {
            case AVMEDIA_TYPE_VIDEO where index == videoIndex:
                let format = AVPixelFormat(rawValue: parameters.format)
                let descriptor = av_pix_fmt_desc_get(format)
                let rate = stream.avg_frame_rate.den > 0 ? stream.avg_frame_rate : stream.r_frame_rate
                info.video = .init(
                    streamIndex: index,
                    codec: codec,
                    profile: LibAVInput.string(avcodec_profile_name(parameters.codec_id, parameters.profile)),
                    level: Int(max(0, parameters.level)),
                    bitDepth: descriptor.map { Int($0.pointee.comp.0.depth) } ?? 8,
                    pixelFormat: descriptor.flatMap { LibAVInput.string($0.pointee.name) },
                    width: Int(parameters.width),
                    height: Int(parameters.height),
                    frameRate: rate.den > 0 ? Double(rate.num) / Double(rate.den) : 0
                )
            case AVMEDIA_TYPE_AUDIO:
                info.audio.append(
                    .init(
                        streamIndex: index,
                        codec: codec,
                        profile: LibAVInput.string(avcodec_profile_name(parameters.codec_id, parameters.profile)),
                        channels: Int(parameters.ch_layout.nb_channels),
                        sampleRate: Int(parameters.sample_rate),
                        language: language,
                        title: title,
                        isDefault: isDefault
                    )
                )
            case AVMEDIA_TYPE_SUBTITLE:
                let descriptor = avcodec_descriptor_get(parameters.codec_id)
                let isText = descriptor.map { $0.pointee.props & AV_CODEC_PROP_TEXT_SUB != 0 } ?? false
                // mkvmerge writes each track's event count as a statistics tag.
                let counted =
                    (LibAVInput.metadata(stream.metadata, "NUMBER_OF_FRAMES")
                    ?? LibAVInput.metadata(stream.metadata, "NUMBER_OF_FRAMES-eng")).flatMap { Int($0) }
                info.subtitles.append(
                    .init(
                        streamIndex: index,
                        codec: codec,
                        language: language,
                        title: title,
                        isDefault: isDefault,
                        isText: isText,
                        isForced: stream.disposition & AV_DISPOSITION_FORCED != 0,
                        events: counted
                    )
                )
            default:
                break
            }
        }
        guard let videoIndex else { throw .noVideo(path: path) }
        let indexed = keyframesFromIndex(input, videoIndex: videoIndex, duration: info.duration)
        // An index that stops well before the end (Matroska without Cues, MPEG-TS) is no index: scan the packets.
        if let last = indexed.last, indexed.count > 1 || info.duration < 10, last >= info.duration - 20 {
            info.keyframes = indexed
        } else {
            info.keyframes = try scanKeyframes(path: path, videoIndex: videoIndex)
            info.keyframesFromIndex = false
        }
        info.chapters = Chapter.normalised(input.chapters, duration: info.duration)
        try describeSubtitles(&info, input: input, path: path)
        return info
    }

    /// Each text track's kind and whether it is styled. Its events are read (one pass over the file, every other
    /// stream discarded) only when the tags and header leave that open: no event count, or ASS with one style.
    private func describeSubtitles(_ info: inout MediaInfo, input: LibAVInput, path: String) throws(StreamError) {
        let texts = info.subtitles.indices.filter { info.subtitles[$0].isText }
        var styleCounts: [Int: Int] = [:]
        for position in texts where info.subtitles[position].isASS {
            let index = info.subtitles[position].streamIndex
            styleCounts[index] = Self.headerStyleCount(input.stream(index).pointee.codecpar.pointee)
        }
        let toRead = texts.map { info.subtitles[$0] }.filter { track in
            track.events == nil || (track.isASS && (styleCounts[track.streamIndex] ?? 0) < 2)
        }
        let surveys = try SubtitleSurvey.read(path: path, tracks: toRead.map(\.streamIndex))
        for position in texts {
            var track = info.subtitles[position]
            if let survey = surveys[track.streamIndex] {
                track.events = track.events ?? survey.events
                track.styled = track.isASS && survey.styled
            } else {
                track.styled = track.isASS && (styleCounts[track.streamIndex] ?? 0) >= 2
            }
            track.kind = SubtitleKind.of(title: track.title, forced: track.isForced, events: track.events, duration: info.duration)
            info.subtitles[position] = track
        }
    }

    /// How many `Style:` lines an ASS track's header (its codec private data) has.
    static func headerStyleCount(_ parameters: AVCodecParameters) -> Int {
        guard let data = parameters.extradata, parameters.extradata_size > 0 else { return 0 }
        let header = String(decoding: UnsafeBufferPointer(start: data, count: Int(parameters.extradata_size)), as: UTF8.self)
        return header.split(whereSeparator: \.isNewline).filter { $0.hasPrefix("Style:") }.count
    }

    /// The container's keyframe index. Matroska loads its Cues lazily, on the first seek; without Cues the seek
    /// (to near the end) reads the file through and libavformat indexes every keyframe it passes.
    private func keyframesFromIndex(_ input: LibAVInput, videoIndex: Int, duration: Double) -> [Double] {
        let stream = input.stream(videoIndex)
        if avformat_index_get_entries_count(stream) < 2 {
            _ = av_seek_frame(input.context, Int32(videoIndex), input.timestamp(max(0, duration - 1), stream: videoIndex), 0)
        }
        var times: [Double] = []
        let count = avformat_index_get_entries_count(stream)
        times.reserveCapacity(Int(count))
        for position in 0..<count {
            guard let entry = avformat_index_get_entry(stream, position), entry.pointee.flags & AVINDEX_KEYFRAME != 0
            else { continue }
            times.append(input.seconds(entry.pointee.timestamp, stream: videoIndex))
        }
        return Self.normalised(times)
    }

    /// Reads every video packet once (about 0.5 s of CPU for 750 MB) and keeps the keyframes' times.
    private func scanKeyframes(path: String, videoIndex: Int) throws(StreamError) -> [Double] {
        let input = try LibAVInput(path: path, findStreamInfo: false)
        var times: [Double] = []
        let key = anikura_pkt_flag_key()
        try input.readPackets(keep: [videoIndex]) { packet in
            let timestamp = packet.pointee.pts != anikura_nopts_value() ? packet.pointee.pts : packet.pointee.dts
            if packet.pointee.flags & key != 0, timestamp != anikura_nopts_value() {
                times.append(input.seconds(timestamp, stream: videoIndex))
            }
            return true
        }
        return Self.normalised(times)
    }

    /// Sorted, without duplicates; a first keyframe a hair after 0 (B-frame delay) still starts the file.
    static func normalised(_ times: [Double]) -> [Double] {
        var sorted = times.filter { $0.isFinite }.sorted()
        var unique: [Double] = []
        unique.reserveCapacity(sorted.count)
        for time in sorted where unique.last.map({ time - $0 > 0.0005 }) ?? true { unique.append(time) }
        sorted = unique
        return sorted
    }
}
