/// Where each seek-preview picture sits: one picture for every `interval` seconds, `width` pixels wide, laid out in
/// JPEG sprite sheets of `columns` × up to `rows`, described by a WebVTT track whose cues point into the sheets
/// with media-fragment `#xywh=` (the form Jellyfin's, Video.js's and JW Player's previews read).
public struct TrickplayLayout: Sendable, Equatable {
    public static let interval = 10.0
    public static let width = 320
    public static let columns = 10
    public static let maxRows = 10

    /// For each picture, in order, the interval it was taken in (its time ÷ `interval`, rounded down): one per interval
    /// that has a keyframe, so a picture covers from its interval's start to the next picture's.
    public let windows: [Int]
    public var count: Int { windows.count }
    /// Picture height, the source's shape at `width` (even, for the encoder).
    public let height: Int

    public init(windows: [Int], sourceWidth: Int, sourceHeight: Int) {
        self.windows = windows
        let shape = sourceWidth > 0 && sourceHeight > 0 ? Double(sourceHeight) / Double(sourceWidth) : 9.0 / 16
        height = max(2, Int((Double(Self.width) * shape / 2).rounded()) * 2)
    }

    /// Rows per sheet: a short file's one sheet has only the rows it fills.
    public var rows: Int { min(Self.maxRows, max(1, (count + Self.columns - 1) / Self.columns)) }
    public var perSheet: Int { Self.columns * rows }
    public var sheetCount: Int { (count + perSheet - 1) / perSheet }

    /// The sheet (from 1) and the picture's place in it.
    public func place(_ index: Int) -> (sheet: Int, x: Int, y: Int) {
        let inSheet = index % perSheet
        return (index / perSheet + 1, (inSheet % Self.columns) * Self.width, (inSheet / Self.columns) * height)
    }

    /// The thumbnails track: each picture from its interval's start to the next picture's, the last one up to `duration`.
    public func webVTT(duration: Double) -> String {
        var lines = ["WEBVTT", ""]
        for index in 0..<count {
            let start = Double(windows[index]) * Self.interval
            let end = index + 1 == count ? max(duration, start + 0.001) : Double(windows[index + 1]) * Self.interval
            let place = place(index)
            lines.append("\(WebVTT.timestamp(start)) --> \(WebVTT.timestamp(end))")
            lines.append("sheet-\(place.sheet).jpg#xywh=\(place.x),\(place.y),\(Self.width),\(height)")
            lines.append("")
        }
        return lines.joined(separator: "\n")
    }
}
