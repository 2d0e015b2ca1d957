import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Whether a failed write failed for want of room: from the error number where there is one, from the filesystem's
/// free space where there is not (ffmpeg exits 1 whatever went wrong; SQLite may say only "I/O error").
public enum DiskSpace {
    /// Fewer free bytes than this on a filesystem after a failure means the failure was a full disk.
    public static let nearlyFullBytes = 1 << 20

    static func isOutOfSpace(_ error: any Error) -> Bool {
        if let error = error as? CocoaError, error.code == .fileWriteOutOfSpace { return true }
        if let error = error as? POSIXError, error.code == .ENOSPC { return true }
        return false
    }

    /// True when the filesystem holding the folder of `path` has almost no room left for unprivileged writers.
    static func isNearlyFull(_ path: String) -> Bool {
        freeBytes((path as NSString).deletingLastPathComponent).map { $0 < nearlyFullBytes } ?? false
    }

    /// Free bytes for unprivileged writers on the filesystem holding `path` (or its nearest existing parent).
    public static func freeBytes(_ path: String) -> Int? {
        var candidate = path
        while !candidate.isEmpty {
            var info = statvfs()
            if statvfs(candidate, &info) == 0 { return Int(info.f_bavail) * Int(info.f_frsize) }
            let parent = (candidate as NSString).deletingLastPathComponent
            guard parent != candidate else { break }
            candidate = parent
        }
        return nil
    }
}

extension StreamError {
    /// A libavformat write that failed with `code` (an `AVERROR`): a full disk when the code is ENOSPC's.
    static func writing(_ path: String, _ code: Int32, _ what: String) -> StreamError {
        code == -ENOSPC ? .diskFull(path) : .production("\(what): \(LibAVInput.message(code))")
    }
}
