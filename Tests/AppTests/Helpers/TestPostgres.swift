import Foundation
import Testing

/// Where a test's mirror keeps its shared state: this machine's SQLite file, or a PostgreSQL database of its own
/// (in the throwaway cluster `scripts/with-postgres` starts for the test run).
enum MirrorBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }

    /// Settings that put a test app's mirror on this backend.
    func environment() throws -> [String: String] {
        switch self {
        case .sqlite: [:]
        case .postgres: ["ANIKURA_MIRROR_DATABASE_URL": try TestPostgres.freshDatabase()]
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
    static func freshDatabase() throws -> String {
        let server = try serverURL()
        let name = "anikura_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        try psql(server, "CREATE DATABASE \(name)")
        return server.replacingOccurrences(of: "/postgres?", with: "/\(name)?")
    }

    /// Runs one SQL statement with Debian's `psql`; its output.
    @discardableResult
    static func psql(_ url: String, _ sql: String) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/psql")
        process.arguments = [url, "-X", "-q", "-t", "-A", "-v", "ON_ERROR_STOP=1", "-c", sql]
        let output = Pipe()
        let errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else { throw Unavailable(description: "psql: \(problem)") }
        return text.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
