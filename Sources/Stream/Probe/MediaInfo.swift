/// What a media file holds, as the stream decisions need it. Times are media times in seconds: 0 is the
/// file's start, whatever timestamps the container uses.
public struct MediaInfo: Sendable, Codable, Equatable {
    public struct Video: Sendable, Codable, Equatable {
        /// The stream's index in the container.
        public var streamIndex: Int
        /// libavcodec's codec name: `h264`, `hevc`, `mpeg4`, `vc1`, …
        public var codec: String
        public var profile: String?
        /// H.264's level_idc (e.g. 40 for 4.0); 0 when unknown.
        public var level: Int
        public var bitDepth: Int
        public var pixelFormat: String?
        public var width: Int
        public var height: Int
        public var frameRate: Double

        public init(
            streamIndex: Int,
            codec: String,
            profile: String?,
            level: Int,
            bitDepth: Int,
            pixelFormat: String?,
            width: Int,
            height: Int,
            frameRate: Double
        ) {
            self.streamIndex = streamIndex
            self.codec = codec
            self.profile = profile
            self.level = level
            self.bitDepth = bitDepth
            self.pixelFormat = pixelFormat
            self.width = width
            self.height = height
            self.frameRate = frameRate
        }
    }

    public struct Audio: Sendable, Codable, Equatable {
        public var streamIndex: Int
        public var codec: String
        public var profile: String?
        public var channels: Int
        public var sampleRate: Int
        public var language: String?
        public var title: String?
        public var isDefault: Bool

        public init(
            streamIndex: Int,
            codec: String,
            profile: String?,
            channels: Int,
            sampleRate: Int,
            language: String?,
            title: String?,
            isDefault: Bool
        ) {
            self.streamIndex = streamIndex
            self.codec = codec
            self.profile = profile
            self.channels = channels
            self.sampleRate = sampleRate
            self.language = language
            self.title = title
            self.isDefault = isDefault
        }
    }

    public struct Subtitle: Sendable, Codable, Equatable {
        public var streamIndex: Int
        public var codec: String
        public var language: String?
        public var title: String?
        public var isDefault: Bool
        /// ASS, SSA, SRT and the like: text that can become WebVTT (bitmap subtitles cannot).
        public var isText: Bool
        /// The container's forced flag.
        public var isForced: Bool
        /// Full subtitles or signs and songs only (`SubtitleKind.of`).
        public var kind: SubtitleKind
        /// ASS with typesetting or several styles: shown as meant only when burnt in with libass.
        public var styled: Bool
        /// How many events the track holds, when known (Matroska's statistics tags, or counted).
        public var events: Int?

        public init(
            streamIndex: Int,
            codec: String,
            language: String?,
            title: String?,
            isDefault: Bool,
            isText: Bool,
            isForced: Bool = false,
            kind: SubtitleKind = .full,
            styled: Bool = false,
            events: Int? = nil
        ) {
            self.streamIndex = streamIndex
            self.codec = codec
            self.language = language
            self.title = title
            self.isDefault = isDefault
            self.isText = isText
            self.isForced = isForced
            self.kind = kind
            self.styled = styled
            self.events = events
        }

        /// ASS or SSA, whose styles and override tags libass draws.
        public var isASS: Bool { codec == "ass" || codec == "ssa" }

        /// PGS (Blu-ray), VobSub (DVD), DVB and XSUB pictures: burnt in by laying them over the video.
        public var isBitmap: Bool {
            ["hdmv_pgs_subtitle", "dvd_subtitle", "dvb_subtitle", "xsub"].contains(codec)
        }

        /// Whether the track can be drawn into a transcoded picture.
        public var canBurnIn: Bool { isText || isBitmap }
    }

    /// libavformat's demuxer name: `matroska,webm`, `mov,mp4,m4a,3gp,3g2,mj2`, `mpegts`, …
    public var container: String
    public var duration: Double
    /// The container's first timestamp in seconds; segment times are relative to it.
    public var startTime: Double
    /// Overall bit rate in bits per second; 0 when unknown.
    public var bitRate: Int
    public var video: Video?
    public var audio: [Audio]
    public var subtitles: [Subtitle]
    /// Keyframe times of the video stream, ascending.
    public var keyframes: [Double]
    /// True when the keyframes came from libavformat's index (read from the container, or built by a seek
    /// through a file without one), false when the packets were scanned because the index fell short.
    public var keyframesFromIndex: Bool
    /// The file's chapters, normalised (`Chapter.normalised`); none when it has none.
    public var chapters: [Chapter]

    public init(
        container: String,
        duration: Double,
        startTime: Double,
        bitRate: Int,
        video: Video?,
        audio: [Audio],
        subtitles: [Subtitle],
        keyframes: [Double],
        keyframesFromIndex: Bool,
        chapters: [Chapter] = []
    ) {
        self.container = container
        self.duration = duration
        self.startTime = startTime
        self.bitRate = bitRate
        self.video = video
        self.audio = audio
        self.subtitles = subtitles
        self.keyframes = keyframes
        self.keyframesFromIndex = keyframesFromIndex
        self.chapters = chapters
    }
}
