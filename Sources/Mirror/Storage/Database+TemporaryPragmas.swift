internal import GRDB

extension Database {
    /// Runs `body` with integer PRAGMAs set to these values, then gives the connection its own values back.
    func withTemporaryPragmas<T>(_ values: KeyValuePairs<String, Int>, _ body: () throws -> T) throws -> T {
        var previous: [(String, Int)] = []
        for (name, value) in values {
            previous.append((name, try Int.fetchOne(self, sql: "PRAGMA \(name)") ?? 0))
            try execute(sql: "PRAGMA \(name) = \(value)")
        }
        defer { for (name, value) in previous.reversed() { try? execute(sql: "PRAGMA \(name) = \(value)") } }
        return try body()
    }
}
