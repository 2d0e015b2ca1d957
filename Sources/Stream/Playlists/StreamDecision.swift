/// What a client may ask of a stream beyond the defaults.
public struct ClientProfile: Sendable, Equatable, Hashable {
    /// Transcode even when the video could be copied.
    public var forceTranscode: Bool
    /// Burn this subtitle track (index among the file's subtitle tracks) into the picture: text (drawn with libass) or
    /// bitmap (PGS, VobSub, DVB: laid over the picture).
    public var burnSubtitle: Int?
    /// The audio track (by position) the master playlist offers as the default: how a native player that shows no audio
    /// menu of its own (Chromium's) is switched to another language.
    public var audioTrack: Int?
    /// The text subtitle track (index among the file's subtitle tracks) the master playlist marks `DEFAULT=YES`.
    public var subtitleTrack: Int?

    public init(forceTranscode: Bool = false, burnSubtitle: Int? = nil, audioTrack: Int? = nil, subtitleTrack: Int? = nil) {
        self.forceTranscode = forceTranscode
        self.burnSubtitle = burnSubtitle
        self.audioTrack = audioTrack
        self.subtitleTrack = subtitleTrack
    }
}

/// How the video of a stream is produced.
public enum VideoOutput: Sendable, Hashable {
    /// Copied as it is (H.264 8-bit): segments cut on the file's own keyframes.
    case copy
    /// Re-encoded to H.264 with libx264 at this height, optionally with a subtitle track burnt in. The height is the
    /// variant a player starts on; `ladder` has the others.
    case h264(height: Int, burnSubtitle: Int?)
}

/// Decides, per file and per client, what can be copied and what must be re-encoded for a browser.
public struct StreamDecision: Sendable, Equatable {
    public var video: VideoOutput
    /// Per audio track (by position among the file's audio tracks): copied when true, AAC otherwise.
    public var copyAudio: [Bool]
    /// Heights of the transcoded variants, the starting one first, then from the highest down (empty when copied).
    public var ladder: [Int]

    public var isRemux: Bool { video == .copy && copyAudio.allSatisfy { $0 } }

    /// - Parameter transcodeHeight: `hls.transcode_height`; a smaller source keeps its own height.
    public init(info: MediaInfo, client: ClientProfile, transcodeHeight: Int) {
        let video = info.video
        var burn = client.burnSubtitle
        if let track = burn, !(info.subtitles.indices.contains(track) && info.subtitles[track].canBurnIn) { burn = nil }
        if let video, Self.browserPlayable(video), !client.forceTranscode, burn == nil {
            self.video = .copy
        } else {
            let sourceHeight = video?.height ?? transcodeHeight
            // Even heights only (4:2:0), never upscaled.
            let height = min(transcodeHeight, sourceHeight > 0 ? sourceHeight : transcodeHeight) / 2 * 2
            let start = max(2, height)
            self.video = .h264(height: start, burnSubtitle: burn)
            ladder = Self.ladder(start: start, sourceHeight: sourceHeight)
            copyAudio = info.audio.map(Self.browserPlayable)
            return
        }
        ladder = []
        copyAudio = info.audio.map(Self.browserPlayable)
    }

    /// The standard rungs (1080p, 720p, 480p) a source of this height can fill without upscaling, plus the starting
    /// height: a slow link steps down, a fast one up; nothing above 1080p is made (two cores cannot encode it live).
    static func ladder(start: Int, sourceHeight: Int) -> [Int] {
        let rungs = [1080, 720, 480].filter { $0 <= max(sourceHeight, start) && $0 != start }
        return [start] + rungs
    }

    /// H.264 in 8-bit 4:2:0 plays in every browser; 10-bit H.264 (Hi10P, common in anime), HEVC, MPEG-4 Part 2
    /// and VC-1 do not play in most.
    static func browserPlayable(_ video: MediaInfo.Video) -> Bool {
        video.codec == "h264" && video.bitDepth == 8 && (video.pixelFormat.map { $0.hasPrefix("yuv420p") || $0 == "yuvj420p" } ?? true)
    }

    /// AAC and MP3 play in MPEG-TS everywhere; FLAC, Opus, AC-3, DTS, Vorbis and PCM do not.
    static func browserPlayable(_ audio: MediaInfo.Audio) -> Bool {
        audio.codec == "aac" || audio.codec == "mp3"
    }
}
