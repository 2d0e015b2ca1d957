import GRDB

@testable import Mirror

/// A fresh in-memory database with the mirror's migrations, one per test.
enum TestDatabase {
    static func store() throws -> MirrorStore {
        let queue = try DatabaseQueue()
        var migrator = DatabaseMigrator()
        MirrorSchema.registerMigrations(in: &migrator)
        try migrator.migrate(queue)
        return MirrorStore(writer: queue)
    }

    /// Stores documents directly (the importer has its own tests).
    static func store(documents: [[UInt8]], fetchedAt: Double = 1_600_000_000) throws -> MirrorStore {
        let store = try store()
        let parser = AnimeDocumentParser()
        try store.store(
            documents.map { try StoredDocument.validate($0, expectedAID: nil, fileTime: fetchedAt, parser: parser) },
            now: fetchedAt
        )
        return store
    }
}

extension TestDatabase {
    /// A database file that outlives one `MirrorStore`, for restart tests.
    static func fileStore(path: String, configuration: Configuration = Configuration()) throws -> MirrorStore {
        let pool = try DatabasePool(path: path, configuration: configuration)
        var migrator = DatabaseMigrator()
        MirrorSchema.registerMigrations(in: &migrator)
        try migrator.migrate(pool)
        return MirrorStore(writer: pool)
    }
}
