import Accounts
import CSQLiteConfig
import Foundation
import GRDB
import Library
import Mirror
import Stream

/// The one SQLite database (WAL) every module's tables live in, migrated by one `DatabaseMigrator`.
struct AppDatabase: Sendable {
    let writer: any DatabaseWriter
    /// The file, or nil for an in-memory database.
    let path: String?

    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        MirrorSchema.registerMigrations(in: &migrator)
        LibrarySchema.registerMigrations(in: &migrator)
        StreamSchema.registerMigrations(in: &migrator)
        AccountsSchema.registerMigrations(in: &migrator)
        return migrator
    }

    init(writer: any DatabaseWriter, path: String?) throws {
        self.writer = writer
        self.path = path
        try Self.migrator.migrate(writer)
        // An import that died after dropping indexes for a bulk load left their definitions behind.
        try writer.write { try MirrorSchema.restoreIndexes($0) }
    }

    /// SQLite's memory statistics cost a process-wide mutex per allocation; nothing reads them. Set once,
    /// before the first connection initialises SQLite (later it is refused, harmlessly).
    private static let configureSQLite: Void = { _ = anikura_sqlite_disable_memstatus() }()

    /// Bytes the write-ahead log is cut back to after a checkpoint.
    static let walSizeLimit = 4 << 20

    /// A `DatabasePool` at `path` (created with its folder), or a fresh in-memory queue for tests.
    /// `mapReaders` memory-maps the file for reading connections: right for the server, whose hot path reads
    /// documents, wrong for one-shot commands, where mapped pages only inflate the resident size.
    static func open(path: String?, mapReaders: Bool = false) throws -> AppDatabase {
        Self.configureSQLite
        guard let path else { return try AppDatabase(writer: DatabaseQueue(), path: nil) }
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent,
            withIntermediateDirectories: true
        )
        var configuration = Configuration()
        configuration.prepareDatabase { db in
            if db.configuration.readonly {
                guard mapReaders else { return }
                // Readers map the file: serving a cached document then costs no read syscalls.
                try db.execute(sql: "PRAGMA mmap_size = 4294967296")
            } else {
                // 16 KiB pages: a typical 70 KB document spans 5 pages instead of 18 (takes effect on a new file).
                try db.execute(sql: "PRAGMA page_size = 16384")
                // The writer keeps the indexes it updates in memory during imports (64 MiB, allocated as used).
                try db.execute(sql: "PRAGMA cache_size = -65536")
                try db.execute(sql: "PRAGMA synchronous = NORMAL")
                // A write-ahead log that grew (a large import, a full disk that kept checkpoints from finishing) is
                // cut back to this once a checkpoint resets it; without a limit SQLite keeps the file at its largest.
                try db.execute(sql: "PRAGMA journal_size_limit = \(Self.walSizeLimit)")
            }
        }
        configuration.busyMode = .timeout(10)
        return try AppDatabase(writer: DatabasePool(path: path, configuration: configuration), path: path)
    }
}
