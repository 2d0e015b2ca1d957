import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Whether a failed write failed for want of room: from the error number where there is one, from the filesystem's
/// free space where there is not (ffmpeg exits 1 whatever went wrong).
enum DiskSpace {
    /// Fewer free bytes than this on the output's filesystem after a failure means the failure was a full disk.
    static let nearlyFullBytes: UInt64 = 1 << 20

    static func isOutOfSpace(_ error: any Error) -> Bool {
        if let error = error as? CocoaError, error.code == .fileWriteOutOfSpace { return true }
        if let error = error as? POSIXError, error.code == .ENOSPC { return true }
        return false
    }

    /// True when the filesystem holding `path` (or its nearest existing folder) has almost no room left for
    /// unprivileged writers.
    static func isNearlyFull(_ path: String) -> Bool {
        var folder = (path as NSString).deletingLastPathComponent
        while !folder.isEmpty {
            var info = statvfs()
            if statvfs(folder, &info) == 0 { return UInt64(info.f_bavail) * UInt64(info.f_frsize) < nearlyFullBytes }
            guard errno == ENOENT, folder != "/" else { return false }
            folder = (folder as NSString).deletingLastPathComponent
        }
        return false
    }
}

extension StreamError {
    /// A libavformat write that failed with `code` (an `AVERROR`): a full disk when the code is ENOSPC's.
    static func writing(_ path: String, _ code: Int32, _ what: String) -> StreamError {
        code == -ENOSPC ? .diskFull(path) : .production("\(what): \(LibAVInput.message(code))")
    }
}
