import Foundation
import Logging
import OffThread

#if canImport(Glibc)
import Glibc
#endif

/// Making one segment: remuxed in process, or transcoded by ffmpeg, or cut from the extracted WebVTT.
extension StreamService {
    func make(
        _ index: Int,
        of rendition: Rendition,
        _ source: StreamSource,
        _ info: MediaInfo,
        _ plan: SegmentPlan,
        folder: String,
        urgent: Bool
    ) async throws(StreamError) {
        // Remuxing takes milliseconds and is never held back; ffmpeg work made ahead waits for work a player waits for.
        let usesFFmpeg: Bool =
            switch rendition {
            case .video(.copy): false
            case .audio(let track): !copiesAudio(track, info)
            default: true
            }
        if usesFFmpeg { await gate.enter(urgent: urgent) }
        do {
            try await produce(index, of: rendition, source, info, plan, folder: folder, urgent: urgent)
        } catch {
            if usesFFmpeg { await gate.leave(urgent: urgent) }
            throw error
        }
        if usesFFmpeg { await gate.leave(urgent: urgent) }
    }

    private func copiesAudio(_ track: Int, _ info: MediaInfo) -> Bool {
        decision(info, client: ClientProfile()).copyAudio[track]
    }

    private func produce(
        _ index: Int,
        of rendition: Rendition,
        _ source: StreamSource,
        _ info: MediaInfo,
        _ plan: SegmentPlan,
        folder: String,
        urgent: Bool
    ) async throws(StreamError) {
        let segment = plan.segments[index]
        let end = index + 1 < plan.segments.count ? plan.segments[index + 1].start : nil
        let started = ContinuousClock.now
        // Made here, for every segment: the cache folder may also have been cleared while the server runs.
        try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        switch rendition {
        case .video(.copy):
            try await remux(source, info.video!.streamIndex, info, segment.start, end, "\(folder)/\(index).ts")
        case .video(.h264(let height, let burn)):
            var burnIn: TranscodeArguments.Burn?
            if let burn {
                let subtitle = info.subtitles[burn]
                burnIn =
                    subtitle.isText
                    ? .text(track: burn, subtitleFile: try link(source.path, in: folder)) : .bitmap(streamIndex: subtitle.streamIndex)
            }
            let output = "\(folder)/\(index).ts"
            try await ffmpeg(
                settings.transcode.video(
                    input: source.path,
                    streamIndex: info.video!.streamIndex,
                    start: segment.start,
                    duration: segment.duration,
                    height: height,
                    burn: burnIn,
                    urgent: urgent,
                    output: output + ".part",
                    sourceStart: info.startTime
                ),
                output: output
            )
        case .audio(let track):
            let audio = info.audio[track]
            let output = "\(folder)/\(index).ts"
            if copiesAudio(track, info) {
                try await remux(source, audio.streamIndex, info, segment.start, end, output)
            } else {
                // The AAC encoder's priming frame starts 21 ms early and its last frame runs past the end: the
                // encoded segment is trimmed to the frames that start inside it, so neighbours never overlap.
                let encoded = "\(folder)/\(index).enc.ts"
                try await ffmpeg(
                    settings.transcode.audio(
                        input: source.path,
                        streamIndex: audio.streamIndex,
                        start: segment.start,
                        duration: segment.duration,
                        output: encoded + ".part"
                    ),
                    output: encoded
                )
                defer { unlink(encoded) }
                let remuxer = self.remuxer
                let start = segment.start
                try await offThread { () throws(StreamError) in
                    try remuxer.trim(timeline: encoded, start: start, end: end, output: output)
                }
            }
        case .subtitles(let track):
            let full = "\(folder)/full.vtt"
            if access(full, F_OK) != 0 {
                try await ffmpeg(
                    settings.transcode.webVTT(
                        input: source.path,
                        streamIndex: info.subtitles[track].streamIndex,
                        output: full + ".part"
                    ),
                    output: full
                )
            }
            guard let text = try? String(contentsOfFile: full, encoding: .utf8) else {
                throw .production("cannot read the extracted subtitles")
            }
            let vtt = WebVTT(parsing: text).segment(start: segment.start, end: segment.start + segment.duration)
            try write(vtt, to: "\(folder)/\(index).vtt")
        }
        logger.debug(
            "segment made",
            metadata: [
                "file": "\(source.fileId)", "rendition": "\(rendition)", "segment": "\(index)",
                "seconds": "\((ContinuousClock.now - started) / .seconds(1))",
            ]
        )
    }

    private func remux(
        _ source: StreamSource,
        _ streamIndex: Int,
        _ info: MediaInfo,
        _ start: Double,
        _ end: Double?,
        _ output: String
    ) async throws(StreamError) {
        let remuxer = self.remuxer
        let videoIndex = info.video!.streamIndex
        let path = source.path
        try await reading(source) { () throws(StreamError) in
            try remuxer.remux(
                path: path,
                streamIndex: streamIndex,
                videoIndex: videoIndex,
                start: start,
                end: end,
                output: output
            )
        }
    }

    private func ffmpeg(_ arguments: [String], output: String) async throws(StreamError) {
        do {
            try await tool.ffmpeg(arguments)
        } catch {
            unlink(output + ".part")
            // ffmpeg's exit status is the same for every failure: a filesystem left with no room says which it was.
            if case .production = error, DiskSpace.isNearlyFull(output) { throw .diskFull(output) }
            throw error
        }
        // A truncated source makes ffmpeg end "successfully" with nothing but the stream tables: never cache that.
        if output.hasSuffix(".ts") {
            var info = stat()
            guard stat(output + ".part", &info) == 0, info.st_size > Self.emptyTransportStreamBytes else {
                unlink(output + ".part")
                throw .production("ffmpeg made an empty segment: the source may be truncated or damaged")
            }
        }
        guard rename(output + ".part", output) == 0 else { throw .production("cannot move \(output) into place") }
    }

    /// A transport stream of only its tables (PAT and PMT, one 188-byte packet each, and a spare) holds no media.
    static var emptyTransportStreamBytes: Int { 3 * 188 }

    private func write(_ text: String, to path: String) throws(StreamError) {
        do {
            try Data(text.utf8).write(to: URL(fileURLWithPath: path), options: .atomic)
        } catch {
            if DiskSpace.isOutOfSpace(error) { throw .diskFull(path) }
            throw .production("cannot write \(path): \(error)")
        }
    }

    /// A link with a plain name to the source, for filters that take a file name inside the filter graph.
    private func link(_ path: String, in folder: String) throws(StreamError) -> String {
        let link = "\(folder)/source"
        unlink(link)
        guard symlink(path, link) == 0 else { throw .production("cannot link the source for subtitle burn-in") }
        return link
    }
}
