internal import GRDB

/// Moves a database file from its write-ahead log to a rollback journal for a bulk load, and back.
///
/// A bulk load appends pages. In WAL mode each one is written twice: to the WAL, then read back and written
/// into the file at checkpoint (1.9 GB each way for the 20,000-document benchmark corpus). A rollback journal
/// saves only the old content of the pages a transaction changes, which for appended pages is nothing.
/// Batches stay whole transactions: a process killed mid-batch leaves a hot journal, and the next connection
/// to open the file rolls it back.
///
/// This only works while no other connection has the file open: in WAL mode every open connection holds a
/// shared lock on it. Then the switch fails at once, never waiting, and the load stays in WAL.
enum BulkLoadJournal {
    /// Tries to leave WAL. Returns true if the file now uses a rollback journal.
    static func enter(_ writer: any DatabaseWriter) -> Bool {
        guard let pool = writer as? DatabasePool else { return false }
        pool.releaseMemory()  // closes this process's idle readers, whose open connections would keep the WAL
        do {
            return try pool.writeWithoutTransaction { db in
                try db.withTemporaryPragmas(["busy_timeout": 0]) {
                    try String.fetchOne(db, sql: "PRAGMA journal_mode = DELETE") == "delete"
                }
            }
        } catch {
            return false  // another connection has the file open
        }
    }

    /// Returns to WAL. If this process dies first, GRDB restores WAL when it next opens the file.
    static func leave(_ writer: any DatabaseWriter) {
        try? writer.writeWithoutTransaction { _ = try String.fetchOne($0, sql: "PRAGMA journal_mode = WAL") }
    }
}
