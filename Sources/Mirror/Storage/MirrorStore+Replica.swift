import Foundation
internal import GRDB

/// What a cluster instance needs of its own store: documents written as they come from the shared database, and
/// a cheap list of what it holds to compare with it.
extension MirrorStore {
    /// Stores documents another instance fetched or imported (replacing what was there), in one transaction.
    public func storeReplica(_ documents: [StoredDocument], now: Double) async throws {
        guard !documents.isEmpty else { return }
        try await writer.write { db in
            for document in documents { try Self.store(document, in: db, replacing: true, now: now) }
        }
        cache?.invalidate(documents.map(\.document.aid))
    }

    /// When each stored document was fetched, by aid.
    public func documentVersions() async throws -> [Int: Double] {
        try await writer.readOffCooperativePool { db in
            var versions: [Int: Double] = [:]
            let rows = try DocumentVersionRow.fetchCursor(db, sql: "SELECT id, etag, fetchedAt FROM anime")
            while let row = try rows.next() { versions[row.id] = row.fetchedAt }
            return versions
        }
    }

    /// A stored document as the shared database keeps it.
    public struct DocumentCopy: Sendable {
        public var aid: Int
        public var xml: [UInt8]
        public var matureSafeXml: [UInt8]?
        public var etag: String
        public var fetchedAt: Double
        public var storedAt: Double
    }

    /// The stored documents for `aids` (those this store has).
    public func documentCopies(_ aids: [Int]) async throws -> [DocumentCopy] {
        try await writer.readOffCooperativePool { db in
            var copies: [DocumentCopy] = []
            let statement = try db.cachedStatement(
                sql: """
                    SELECT a.id, d.xml, d.matureSafeXml, a.etag, a.fetchedAt, a.storedAt
                    FROM anime AS a JOIN document AS d ON d.animeId = a.id WHERE a.id = ?
                    """
            )
            for aid in aids {
                guard let row = try DocumentCopyRow.fetchOne(statement, arguments: [aid]) else { continue }
                copies.append(
                    DocumentCopy(
                        aid: row.id,
                        xml: [UInt8](row.xml),
                        matureSafeXml: row.matureSafeXml.map { [UInt8]($0) },
                        etag: row.etag,
                        fetchedAt: row.fetchedAt,
                        storedAt: row.storedAt
                    )
                )
            }
            return copies
        }
    }
}

/// The version columns of a row of `anime`: which document is stored for an aid, and from when.
struct DocumentVersionRow: FetchableRecord, Decodable {
    var id: Int
    var etag: String
    var fetchedAt: Double
}

/// A row of `anime` joined with its `document`, as a replica copies it.
private struct DocumentCopyRow: FetchableRecord, Decodable {
    var id: Int
    var xml: Data
    var matureSafeXml: Data?
    var etag: String
    var fetchedAt: Double
    var storedAt: Double
}
