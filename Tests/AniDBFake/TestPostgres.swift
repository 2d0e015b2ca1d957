import Foundation
import TestMedia

/// A database of its own for each test, in the throwaway PostgreSQL cluster `scripts/with-postgres` starts.
public enum TestPostgres {
    public struct Unavailable: Error, CustomStringConvertible {
        public var description: String
    }

    /// The test cluster's address (its `postgres` database).
    public static func serverURL() throws -> String {
        guard let url = ProcessInfo.processInfo.environment["ANIKURA_TEST_POSTGRES_URL"], !url.isEmpty else {
            throw Unavailable(
                description: "ANIKURA_TEST_POSTGRES_URL is not set: run the tests with scripts/test, which starts PostgreSQL"
            )
        }
        return url
    }

    /// A new, empty database in the test cluster; its URL.
    public static func freshDatabase() async throws -> String {
        let server = try serverURL()
        let name = "anikura_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try await psql(server, "CREATE DATABASE \(name)")
        return server.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// Runs one SQL statement with Debian's `psql`; its output. Through swift-subprocess, not Foundation's
    /// `Process` (see `ChildProcess`: with many files open, as the cluster test has, `Process` breaks the test run).
    @discardableResult
    public static func psql(_ url: String, _ sql: String) async throws -> String {
        let result = try await ChildProcess.run("/usr/bin/psql", [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql])
        guard result.status == 0 else { throw Unavailable(description: "psql: \(result.standardError)") }
        return result.text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
