import Foundation
import GRDB
import HTTPTypes
import Stream

/// Says "disk full" when a storage error comes from a full disk, whatever SQLite calls it: when the disk fills
/// while SQLite sets up a connection it reports a generic I/O error on whatever statement ran (`PRAGMA cache_size`),
/// which sends people looking in the wrong place.
struct StorageFailure: Error, CustomStringConvertible {
    var description: String

    /// True when `error` is SQLite's "full", or an I/O error on a filesystem with no room left.
    static func isDiskFull(_ error: any Error, dataDir: String) -> Bool {
        if let error = error as? DatabaseError {
            if error.resultCode == .SQLITE_FULL { return true }
            if error.resultCode == .SQLITE_IOERR || error.resultCode == .SQLITE_CANTOPEN {
                return DiskSpace.freeBytes(dataDir).map { $0 < DiskSpace.nearlyFullBytes } ?? false
            }
        }
        if let error = error as? CocoaError, error.code == .fileWriteOutOfSpace { return true }
        if let error = error as? POSIXError, error.code == .ENOSPC { return true }
        return false
    }

    /// The error as it should be told: "disk full" with the folder when that is the cause, otherwise unchanged.
    static func explain(_ error: any Error, dataDir: String) -> any Error {
        guard isDiskFull(error, dataDir: dataDir) else { return error }
        return StorageFailure(
            description: "disk full: the data folder \(dataDir) (storage.data_dir) has no free space left; free some and start again"
        )
    }
}

extension HTTPResponse.Status {
    /// 507 (RFC 4918): the server cannot store what the request needs; HTTPTypes has no name for it.
    static var insufficientStorage: HTTPResponse.Status { .init(code: 507, reasonPhrase: "Insufficient Storage") }
}
