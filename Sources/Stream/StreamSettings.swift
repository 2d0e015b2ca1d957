/// The `[hls]` part of the configuration the stream module uses.
public struct StreamSettings: Sendable {
    /// Target segment length in seconds (`hls.segment_secs`).
    public var segmentSeconds: Double
    /// Most transcoding sessions at once (`hls.max_sessions`); more get `busy`.
    public var maxTranscodes: Int
    /// Segments made ahead of the latest request (`hls.prefetch_segments`).
    public var prefetchSegments: Int
    /// Height of transcoded video (`hls.transcode_height`); a smaller source keeps its own.
    public var transcodeHeight: Int
    /// A producer unused this long stops and frees its slot (`hls.idle_secs`).
    public var idleSeconds: Double
    public var transcode: TranscodeArguments

    public init(
        segmentSeconds: Double = 6,
        maxTranscodes: Int = 2,
        prefetchSegments: Int = 3,
        transcodeHeight: Int = 720,
        idleSeconds: Double = 60,
        transcode: TranscodeArguments = TranscodeArguments()
    ) {
        self.segmentSeconds = segmentSeconds
        self.maxTranscodes = maxTranscodes
        self.prefetchSegments = prefetchSegments
        self.transcodeHeight = transcodeHeight
        self.idleSeconds = idleSeconds
        self.transcode = transcode
    }
}
