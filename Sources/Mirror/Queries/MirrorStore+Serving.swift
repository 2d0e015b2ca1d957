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
    /// A hit in the memory cache answers at once, without suspending; a miss reads SQLite on a reader's own
    /// Dispatch queue, never on a cooperative thread (the rule for every request path: those threads answer HTTP).
    public func servedBuffer(aid: Int, mature: Bool) async throws -> ServedBuffer? {
        if let cached = cache?.get(aid: aid, mature: mature) { return cached }
        let document = try await withCheckedThrowingContinuation { continuation in
            // `unsafe`: no BEGIN/COMMIT around the block (a fifth of this path's cost). Consistency comes from
            // SQLite instead: the metadata statement stays on its row while the blob is read, which keeps its read
            // transaction, and so one snapshot, open for both.
            writer.asyncUnsafeRead { database in
                continuation.resume(with: Result { try Self.readBuffer(database.get(), aid: aid, mature: mature) })
            }
        }
        if let document { cache?.put(document, aid: aid, mature: mature) }
        return document
    }

    private static func readBuffer(_ db: Database, aid: Int, mature: Bool) throws -> ServedBuffer? {
        let statement = try db.cachedStatement(
            sql: """
                SELECT anime.etag, anime.fetchedAt, document.matureSafeXml IS NOT NULL
                FROM anime JOIN document ON document.animeId = anime.id WHERE anime.id = ?
                """
        )
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        sqlite3_bind_int64(handle, 1, Int64(aid))
        defer { sqlite3_reset(handle) }
        let step = sqlite3_step(handle)
        if step == SQLITE_DONE { return nil }
        guard step == SQLITE_ROW, let etagText = sqlite3_column_text(handle, 0) else {
            throw DatabaseError(resultCode: ResultCode(rawValue: step), message: "cannot read document \(aid)")
        }
        let etag = String(cString: etagText)
        let fetchedAt = sqlite3_column_double(handle, 1)
        let filtered = !mature && sqlite3_column_int(handle, 2) != 0
        var blob: OpaquePointer?
        let code = sqlite3_blob_open(
            db.sqliteConnection,
            "main",
            "document",
            filtered ? "matureSafeXml" : "xml",
            Int64(aid),
            0,
            &blob
        )
        defer { sqlite3_blob_close(blob) }
        guard code == SQLITE_OK, let blob else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: "cannot open document \(aid)")
        }
        let size = Int(sqlite3_blob_bytes(blob))
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        let read = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: size) { bytes in
            sqlite3_blob_read(blob, bytes.baseAddress, Int32(size), 0) == SQLITE_OK ? size : 0
        }
        guard read == size else { throw DatabaseError(resultCode: .SQLITE_IOERR, message: "short read of \(aid)") }
        return ServedBuffer(
            body: buffer,
            etag: filtered ? String(etag.dropLast()) + "-safe\"" : etag,
            fetchedAt: fetchedAt,
            isFiltered: filtered
        )
    }
}
