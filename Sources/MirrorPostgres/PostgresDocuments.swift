import Logging
import Mirror
import NIOCore
import PostgresNIO

/// The shared documents table: AniDB's bytes, the mature-safe copy and when they were fetched.
enum PostgresDocuments {
    struct Row: Sendable {
        var aid: Int
        var xml: [UInt8]
        var matureSafeXml: [UInt8]?
        var etag: String
        var fetchedAt: Double
        var storedAt: Double

        init(_ stored: StoredDocument, storedAt: Double) {
            aid = stored.document.aid
            xml = stored.xml
            matureSafeXml = stored.matureSafeXml
            etag = stored.etag
            fetchedAt = stored.fetchedAt
            self.storedAt = storedAt
        }

        init(_ copy: MirrorStore.DocumentCopy) {
            aid = copy.aid
            xml = copy.xml
            matureSafeXml = copy.matureSafeXml
            etag = copy.etag
            fetchedAt = copy.fetchedAt
            storedAt = copy.storedAt
        }
    }

    /// Writes `rows` in one statement; a row replaces a stored one only when it was fetched later, so importing
    /// the same seed twice, or an older one, changes nothing. Returns the aids written.
    @discardableResult
    static func upsert(_ rows: [Row], on connection: PostgresConnection, logger: Logger) async throws -> [Int] {
        guard !rows.isEmpty else { return [] }
        var bindings = PostgresBindings(capacity: rows.count * 6)
        var values: [String] = []
        for (index, row) in rows.enumerated() {
            let base = index * 6
            values.append("($\(base + 1), $\(base + 2), $\(base + 3), $\(base + 4), $\(base + 5), $\(base + 6))")
            bindings.append(row.aid)
            bindings.append(ByteBuffer(bytes: row.xml))
            bindings.append(row.matureSafeXml.map { ByteBuffer(bytes: $0) })
            bindings.append(row.etag)
            bindings.append(row.fetchedAt)
            bindings.append(row.storedAt)
        }
        let sql = """
            INSERT INTO mirror_document (aid, xml, mature_safe_xml, etag, fetched_at, stored_at)
            VALUES \(values.joined(separator: ", "))
            ON CONFLICT (aid) DO UPDATE SET xml = excluded.xml, mature_safe_xml = excluded.mature_safe_xml,
                etag = excluded.etag, fetched_at = excluded.fetched_at, stored_at = excluded.stored_at
            WHERE mirror_document.fetched_at < excluded.fetched_at
            RETURNING aid
            """
        let written = try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
        return try await PostgresLedger.all(written.decode(Int.self))
    }

    /// When each shared document was fetched, by aid.
    static func versions(client: PostgresClient, logger: Logger) async throws -> [Int: Double] {
        var versions: [Int: Double] = [:]
        let rows = try await client.query("SELECT aid, fetched_at FROM mirror_document", logger: logger)
        for try await (aid, fetchedAt) in rows.decode((Int, Double).self) { versions[aid] = fetchedAt }
        return versions
    }

    /// The shared documents for `aids`: (aid, xml, fetchedAt).
    static func fetch(_ aids: [Int], client: PostgresClient, logger: Logger) async throws -> [(Int, [UInt8], Double)] {
        let rows = try await client.query(
            "SELECT aid, xml, fetched_at FROM mirror_document WHERE aid = ANY(\(aids))",
            logger: logger
        )
        var out: [(Int, [UInt8], Double)] = []
        for try await (aid, xml, fetchedAt) in rows.decode((Int, ByteBuffer, Double).self) {
            out.append((aid, Array(xml.readableBytesView), fetchedAt))
        }
        return out
    }
}
