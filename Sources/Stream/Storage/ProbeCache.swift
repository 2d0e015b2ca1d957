import Foundation
public import GRDB

/// Probe results in SQLite, refreshed when the file's size or modification time changes.
public struct ProbeCache: Sendable {
    let writer: any DatabaseWriter
    let prober: MediaProber

    public init(writer: any DatabaseWriter, prober: MediaProber = MediaProber()) {
        self.writer = writer
        self.prober = prober
    }

    /// The stored probe when it matches the file as it is now; otherwise a new probe, stored.
    public func info(for source: StreamSource) throws -> MediaInfo {
        let stored = try writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT info FROM streamProbe WHERE path = ? AND size = ? AND modifiedAt = ?",
                arguments: [source.path, source.size, source.modifiedAt]
            )
        }
        if let stored, let json = (stored["info"] as String?)?.data(using: .utf8),
            let info = try? JSONDecoder().decode(MediaInfo.self, from: json)
        {
            return info
        }
        let info = try prober.probe(path: source.path)
        let json = String(decoding: try JSONEncoder().encode(info), as: UTF8.self)
        try writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO streamProbe (path, size, modifiedAt, info, probedAt) VALUES (?, ?, ?, ?, ?)
                    ON CONFLICT(path) DO UPDATE SET size = excluded.size, modifiedAt = excluded.modifiedAt,
                        info = excluded.info, probedAt = excluded.probedAt
                    """,
                arguments: [source.path, source.size, source.modifiedAt, json, Date().timeIntervalSince1970]
            )
        }
        return info
    }
}
