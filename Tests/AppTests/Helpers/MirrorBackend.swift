import AniDBFake
import Foundation
import Testing

/// Where a test's mirror keeps its shared state: this machine's SQLite file, or a PostgreSQL database of its own
/// (in the throwaway cluster `scripts/with-postgres` starts for the test run).
enum MirrorBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Settings that put a test app's mirror on this backend.
    func environment() async throws -> [String: String] {
        switch self {
        case .sqlite: [:]
        // A generous deadline: a loaded test run may keep the database waiting; the deadline has its own test.
        case .postgres:
            ["ANIKURA_MIRROR_DATABASE_URL": try await TestPostgres.freshDatabase(), "ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "120"]
        }
    }
}
