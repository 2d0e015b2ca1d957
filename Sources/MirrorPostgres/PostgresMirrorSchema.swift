import Foundation
import Logging
import Mirror
import PostgresNIO

/// The mirror's shared tables in PostgreSQL. Created by whichever instance comes first; the others wait on the
/// same advisory lock and find them made.
enum PostgresMirrorSchema {
    /// Advisory lock keys (one namespace for Anikura: "ANIK" as a number, plus a role).
    static let schemaLock: Int64 = 0x414E_494B_0001
    static let fetcherLock: Int64 = 0x414E_494B_0002
    static let ledgerLock: Int64 = 0x414E_494B_0003
    static let seedLock: Int64 = 0x414E_494B_0004
    /// Where instances tell each other what changed.
    static let channel = "anikura_mirror"

    static let statements: [PostgresQuery] = [
        // AniDB's bytes as fetched and the copy without adult tags; the index each instance derives from them.
        """
        CREATE TABLE IF NOT EXISTS mirror_document (
            aid integer PRIMARY KEY,
            xml bytea NOT NULL,
            mature_safe_xml bytea,
            etag text NOT NULL,
            fetched_at double precision NOT NULL,
            stored_at double precision NOT NULL)
        """,
        """
        CREATE TABLE IF NOT EXISTS mirror_refresh_queue (
            aid integer PRIMARY KEY,
            priority integer NOT NULL,
            enqueued_at double precision NOT NULL,
            request_count integer NOT NULL DEFAULT 1,
            attempts integer NOT NULL DEFAULT 0)
        """,
        "CREATE INDEX IF NOT EXISTS mirror_refresh_queue_order ON mirror_refresh_queue (priority, enqueued_at, aid)",
        // Every upstream attempt of every instance, written before it goes out.
        """
        CREATE TABLE IF NOT EXISTS mirror_upstream_request (
            id bigserial PRIMARY KEY,
            started_at double precision NOT NULL,
            target text NOT NULL,
            aid integer,
            outcome text,
            detail text,
            instance text NOT NULL)
        """,
        "CREATE INDEX IF NOT EXISTS mirror_upstream_request_started ON mirror_upstream_request (started_at)",
        "CREATE INDEX IF NOT EXISTS mirror_upstream_request_aid ON mirror_upstream_request (aid, started_at)",
        // The ban, back-off, client error and titles-dump state, as the JSON of `UpstreamState`.
        "CREATE TABLE IF NOT EXISTS mirror_upstream_state (id integer PRIMARY KEY CHECK (id = 1), state text NOT NULL)",
        "CREATE TABLE IF NOT EXISTS mirror_missing_anime (aid integer PRIMARY KEY, checked_at double precision NOT NULL)",
        """
        CREATE TABLE IF NOT EXISTS mirror_titles_dump (
            id integer PRIMARY KEY CHECK (id = 1), gzip bytea NOT NULL, fetched_at double precision NOT NULL)
        """,
        // The community mapping files (anime-list-master.xml, anime_ids.json), downloaded once for the cluster.
        """
        CREATE TABLE IF NOT EXISTS mirror_mapping_file (
            name text PRIMARY KEY, body bytea NOT NULL, etag text, last_modified text,
            fetched_at double precision NOT NULL)
        """,
        // Admins' corrections of the mapping, shared by every instance (correction: its JSON, NULL once removed).
        """
        CREATE TABLE IF NOT EXISTS mirror_mapping_correction (
            aid integer PRIMARY KEY, correction text, changed_at double precision NOT NULL)
        """,
        // Seeds already imported, by their fingerprint: a second instance with the same seed skips it.
        """
        CREATE TABLE IF NOT EXISTS mirror_seed_import (
            fingerprint text PRIMARY KEY, documents integer NOT NULL, imported_at double precision NOT NULL,
            instance text NOT NULL)
        """,
    ]

    static func create(on client: PostgresClient, logger: Logger) async throws {
        try await client.withTransaction(logger: logger) { connection in
            try await connection.query("SELECT pg_advisory_xact_lock(\(schemaLock))", logger: logger)
            for statement in statements { try await connection.query(statement, logger: logger) }
            let fresh = String(decoding: try JSONEncoder().encode(UpstreamState()), as: UTF8.self)
            try await connection.query(
                "INSERT INTO mirror_upstream_state (id, state) VALUES (1, \(fresh)) ON CONFLICT (id) DO NOTHING",
                logger: logger
            )
        }
    }
}
