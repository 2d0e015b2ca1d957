/// Where a user is in one episode (or, before it is matched, one file).
public struct WatchProgress: Codable, Sendable, Equatable {
    /// The file last played for it.
    public var fileId: Int64
    public var aid: Int?
    public var episode: String?
    /// Seconds.
    public var position: Double
    public var duration: Double
    public var watched: Bool
    public var updatedAt: Double

    /// Past this share of its length an episode counts as watched: what is left is the ending and the preview.
    public static let watchedShare = 0.9
}

/// One row of "continue watching": an episode to resume, or the next one of a series whose last episode is done.
public struct ContinueEntry: Codable, Sendable, Equatable {
    public enum Kind: String, Codable, Sendable { case resume, next }

    public var kind: Kind
    public var fileId: Int64
    public var aid: Int?
    public var episode: String?
    public var title: String?
    public var position: Double
    public var duration: Double
    /// When the user last played what puts this entry here.
    public var updatedAt: Double
}
