public import GRDB

/// The stream module's table: probe results, so a file is read with libavformat once per change.
public enum StreamSchema {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("stream.v1") { db in
            try db.execute(
                sql: """
                    -- What libavformat found in a file, valid while its size and modification time are unchanged.
                    CREATE TABLE streamProbe (
                        path TEXT PRIMARY KEY,
                        size INTEGER NOT NULL,
                        modifiedAt REAL NOT NULL,
                        info TEXT NOT NULL,
                        probedAt REAL NOT NULL
                    );
                    """
            )
        }
    }
}
