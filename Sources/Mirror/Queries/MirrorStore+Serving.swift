internal import GRDB
internal import GRDBSQLite
public import NIOCore

/// A document ready to be written to a socket: the hot path of `/anime/{aid}` and `/httpapi`.
public struct ServedBuffer: Sendable {
    public var body: ByteBuffer
    public var etag: String
    /// When AniDB produced the document (Unix seconds).
    public var fetchedAt: Double
    /// True when the adult tags were cut out (`mature=false` on a document that had some).
    public var isFiltered: Bool

    public var xml: [UInt8] { Array(body.readableBytesView) }
}

extension MirrorStore {
    /// Reads a document straight from SQLite's pages into a `ByteBuffer` (one copy, no intermediate arrays).
    ///
    /// Deliberately synchronous: the read is a few microseconds on a memory-mapped file, far less than the
    /// hops an async database call costs, and this is the request path clients hit thousands of times a second.
    public func servedBuffer(aid: Int, mature: Bool) throws -> ServedBuffer? {
        if let cached = cache?.get(aid: aid, mature: mature) { return cached }
        let document = try readBuffer(aid: aid, mature: mature)
        if let document { cache?.put(document, aid: aid, mature: mature) }
        return document
    }

    private func readBuffer(aid: Int, mature: Bool) throws -> ServedBuffer? {
        try writer.read { db -> ServedBuffer? in
            let statement = try db.cachedStatement(
                sql: """
                    SELECT anime.etag, anime.fetchedAt, document.matureSafeXml IS NOT NULL
                    FROM anime JOIN document ON document.animeId = anime.id WHERE anime.id = ?
                    """
            )
            guard let row = try Row.fetchOne(statement, arguments: [aid]) else { return nil }
            let etag: String = row[0]
            let filtered = !mature && (row[2] as Bool)
            var blob: OpaquePointer?
            let column = filtered ? "matureSafeXml" : "xml"
            let code = sqlite3_blob_open(db.sqliteConnection, "main", "document", column, Int64(aid), 0, &blob)
            defer { sqlite3_blob_close(blob) }
            guard code == SQLITE_OK, let blob else {
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot open document \(aid)")
            }
            let size = Int(sqlite3_blob_bytes(blob))
            var buffer = ByteBufferAllocator().buffer(capacity: size)
            let readCode = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
                sqlite3_blob_read(blob, bytes.baseAddress, Int32(size), 0) == SQLITE_OK ? size : 0
            }
            guard readCode == size else { throw DatabaseError(resultCode: .SQLITE_IOERR, message: "short read of \(aid)") }
            return ServedBuffer(
                body: buffer,
                etag: filtered ? String(etag.dropLast()) + "-safe\"" : etag,
                fetchedAt: row[1],
                isFiltered: filtered
            )
        }
    }
}
