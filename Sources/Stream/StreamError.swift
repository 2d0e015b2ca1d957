/// What can go wrong while streaming a file; the app maps each case to an HTTP status once.
public enum StreamError: Error, Equatable, CustomStringConvertible {
    /// The file cannot be opened or read as media (libavformat's reason).
    case unreadable(path: String, reason: String)
    /// The file has no video stream to play.
    case noVideo(path: String)
    /// A rendition, track or segment that this file does not have.
    case notFound(String)
    /// Every transcoding slot is busy; try again after this many seconds.
    case busy(retryAfter: Int)
    /// ffmpeg or the remuxer failed on a segment.
    case production(String)
    /// A segment or its pieces could not be written: the filesystem holding them has no room left. Told from the
    /// error number of our own writes, and for ffmpeg (whose exit status does not say) from the free space left on
    /// the output's filesystem when it failed.
    case diskFull(String)
    /// The folder holding the file did not answer in time (a network mount that stopped answering, a disk that
    /// does not wake); the call may still be waiting on it.
    case stalled(path: String, seconds: Int)
    /// The client stopped waiting (its request was cancelled, or the server is stopping); the segment goes on.
    case cancelled

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): "cannot read \(path) as media: \(reason)"
        case .noVideo(let path): "\(path) has no video stream"
        case .notFound(let what): what
        case .busy(let seconds): "all transcoding slots are busy; retry in \(seconds) s"
        case .production(let reason): "segment production failed: \(reason)"
        case .diskFull(let what): "no space left on the disk for \(what)"
        case .stalled(let path, let seconds): "the folder of \(path) did not answer within \(seconds) s"
        case .cancelled: "the wait for the segment was cancelled"
        }
    }
}
