/// The one timeline every segment of a stream is written on.
public enum HLSTimeline {
    /// Segments carry media time plus this many seconds, so that no timestamp goes negative (B-frames decode
    /// before they show) and remuxed, transcoded and subtitle segments agree. WebVTT's `X-TIMESTAMP-MAP`
    /// maps cue time 0 to it.
    public static let offset = 10.0

    /// `offset` in MPEG-TS's 90 kHz clock.
    public static var offsetTicks: Int { Int(offset * 90000) }
}
