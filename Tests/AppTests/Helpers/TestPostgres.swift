import Foundation
import TestMedia
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
        case .postgres: ["ANIKURA_MIRROR_DATABASE_URL": try await TestPostgres.freshDatabase()]
        }
    }
}

enum TestPostgres {
    struct Unavailable: Error, CustomStringConvertible {
        var description: String
    }

    /// The test cluster's address (its `postgres` database).
    static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ANIKURA_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw Unavailable(
                description: "ANIKURA_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL"
            )
        }
        return url
    }

    /// A new, empty database in the test cluster; its URL.
    static func freshDatabase() async throws -> String {
        let server = try serverURL()
        let name = "anikura_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await psql(server, "CREATE DATABASE \(name)")
        return server.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// Runs one SQL statement with Debian's `psql`; its output. Through swift-subprocess, not Foundation's
    /// `Process` (see `ChildProcess`: with many files open, as the cluster test has, `Process` breaks the test run).
    @discardableResult
    static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/psql", [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw Unavailable(description: "psql: \(result.standardError)") }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
