public import GRDB

/// The accounts' tables: users, their sign-in sessions and API keys, and what each has watched.
public enum AccountsSchema {
    public static func registerMigrations(in migrator: inout DatabaseMigrator) {
        migrator.registerMigration("accounts.v1") { db in
            try db.execute(
                sql: """
                    -- A person who signs in. Names compare without case, as people type them.
                    CREATE TABLE appUser (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        name TEXT NOT NULL UNIQUE COLLATE NOCASE,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
                        passwordHash TEXT NOT NULL,
                        createdAt REAL NOT NULL
                    );
                    -- A browser's sign-in. Only the SHA-256 of the cookie's token is kept: a copy of the database
                    -- signs nobody in.
                    CREATE TABLE userSession (
                        tokenHash TEXT PRIMARY KEY,
                        userId INTEGER NOT NULL REFERENCES appUser(id) ON DELETE CASCADE,
                        createdAt REAL NOT NULL,
                        expiresAt REAL NOT NULL
                    );
                    CREATE INDEX userSession_userId ON userSession(userId);
                    -- A key for a script or client, shown once when made; kept as its SHA-256.
                    CREATE TABLE apiKey (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        userId INTEGER NOT NULL REFERENCES appUser(id) ON DELETE CASCADE,
                        label TEXT NOT NULL,
                        keyHash TEXT NOT NULL UNIQUE,
                        createdAt REAL NOT NULL,
                        lastUsedAt REAL
                    );
                    -- Where a user is in an episode. Keyed by the episode (`anime:AID:EPNO`) once the file is matched,
                    -- so a better release of the same episode keeps it; by the file (`file:ID`) before that. No
                    -- foreign key to the file: state outlives a file that is replaced or offline. User 0 is the
                    -- sign-in-free loopback install, whose state the first user created takes over.
                    CREATE TABLE watchState (
                        userId INTEGER NOT NULL,
                        itemKey TEXT NOT NULL,
                        fileId INTEGER NOT NULL,
                        aid INTEGER,
                        episode TEXT,
                        position REAL NOT NULL,
                        duration REAL NOT NULL,
                        watched BOOLEAN NOT NULL,
                        updatedAt REAL NOT NULL,
                        PRIMARY KEY (userId, itemKey)
                    );
                    CREATE INDEX watchState_recent ON watchState(userId, updatedAt);
                    """
            )
        }
        // Names compared as people mean them: NFKC with full case folding (`nameKey`), and a look-alike skeleton
        // (`nameSkeleton`) that a new name may not share. Not UNIQUE: two names that collide under the new rule may
        // already exist, and both keep working; new ones are refused in the transaction that adds them.
        migrator.registerMigration("accounts.v2-names") { db in
            try db.execute(sql: "ALTER TABLE appUser ADD COLUMN nameKey TEXT NOT NULL DEFAULT ''")
            try db.execute(sql: "ALTER TABLE appUser ADD COLUMN nameSkeleton TEXT NOT NULL DEFAULT ''")
            for user in try User.fetchAll(db) {
                try db.execute(
                    sql: "UPDATE appUser SET nameKey = ?, nameSkeleton = ? WHERE id = ?",
                    arguments: [UserNames.key(user.name), UserNames.skeleton(user.name), user.id]
                )
            }
            try db.execute(sql: "CREATE INDEX appUser_nameKey ON appUser(nameKey)")
            try db.execute(sql: "CREATE INDEX appUser_nameSkeleton ON appUser(nameSkeleton)")
        }
        // Each viewer's languages, subtitle style and skip behaviour (`ViewerPreferences` as JSON). No foreign key:
        // user 0 is the sign-in-free loopback install.
        migrator.registerMigration("accounts.v3-preferences") { db in
            try db.execute(
                sql: """
                    CREATE TABLE viewerPreferences (
                        userId INTEGER PRIMARY KEY,
                        preferences TEXT NOT NULL,
                        updatedAt REAL NOT NULL
                    )
                    """
            )
        }
        // Invitations (`Invite`): only the SHA-256 of each code is kept.
        migrator.registerMigration("accounts.v4-invites") { db in
            try db.execute(
                sql: """
                    CREATE TABLE invite (
                        id INTEGER PRIMARY KEY AUTOINCREMENT,
                        codeHash TEXT NOT NULL UNIQUE,
                        role TEXT NOT NULL CHECK (role IN ('admin', 'viewer')),
                        createdBy INTEGER,
                        createdAt REAL NOT NULL,
                        expiresAt REAL NOT NULL,
                        usesLeft INTEGER NOT NULL,
                        revokedAt REAL
                    )
                    """
            )
        }
        // List sync (`ListSyncStore`): each user's link to AniList, where each anime should stand on their list and
        // what the service last took, and the anime watched that have no id there.
        migrator.registerMigration("accounts.v5-list-sync") { db in
            try db.execute(
                sql: """
                    CREATE TABLE listLink (
                        userId INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        token TEXT NOT NULL,
                        account TEXT NOT NULL,
                        state TEXT NOT NULL,
                        message TEXT,
                        linkedAt REAL NOT NULL,
                        PRIMARY KEY (userId, service)
                    );
                    CREATE TABLE listEntry (
                        userId INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        aid INTEGER NOT NULL,
                        mediaId INTEGER NOT NULL,
                        progress INTEGER NOT NULL,
                        status TEXT NOT NULL,
                        sentProgress INTEGER,
                        sentStatus TEXT,
                        attempts INTEGER NOT NULL,
                        dueAt REAL NOT NULL,
                        lastError TEXT,
                        updatedAt REAL NOT NULL,
                        PRIMARY KEY (userId, service, aid)
                    );
                    CREATE INDEX listEntry_due ON listEntry(service, dueAt);
                    CREATE TABLE listUnsynced (
                        userId INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        aid INTEGER NOT NULL,
                        seenAt REAL NOT NULL,
                        PRIMARY KEY (userId, service, aid)
                    );
                    """
            )
        }
        // MyAnimeList's tokens expire: the refresh token and the expiry with the link; OAuth authorizations under way.
        migrator.registerMigration("accounts.v6-list-tokens") { db in
            try db.execute(
                sql: """
                    ALTER TABLE listLink ADD COLUMN refreshToken TEXT;
                    ALTER TABLE listLink ADD COLUMN expiresAt REAL;
                    CREATE TABLE listAuthorization (
                        stateHash TEXT PRIMARY KEY,
                        userId INTEGER NOT NULL,
                        service TEXT NOT NULL,
                        verifier TEXT NOT NULL,
                        createdAt REAL NOT NULL
                    );
                    """
            )
        }
    }
}
