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
            let rows = try Row.fetchCursor(db, sql: "SELECT id, fetchedAt FROM anime")
            while let row = try rows.next() { versions[row[0]] = row[1] }
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
                guard let row = try Row.fetchOne(statement, arguments: [aid]) else { continue }
                let xml: [UInt8] = [UInt8]((row[1] as Data?) ?? Data())
                let safe: [UInt8]? = (row[2] as Data?).map { [UInt8]($0) }
                copies.append(
                    DocumentCopy(aid: row[0], xml: xml, matureSafeXml: safe, etag: row[3], fetchedAt: row[4], storedAt: row[5])
                )
            }
            return copies
        }
    }
}
