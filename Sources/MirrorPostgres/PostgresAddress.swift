import Foundation
import NIOSSL
public import PostgresNIO

/// `mirror.database_url`, read the way libpq reads it: `postgres://user:password@host:port/database`, with
/// `?host=/run/postgresql` for a local socket folder and `?sslmode=disable|prefer|require`.
public struct PostgresAddress: Sendable, CustomStringConvertible {
    public var configuration: PostgresClient.Configuration
    /// The address with the password blotted out: what may be logged.
    public let description: String

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(url text: String) throws(Invalid) {
        guard let url = URLComponents(string: text), let scheme = url.scheme, ["postgres", "postgresql"].contains(scheme)
        else { throw Invalid(description: "mirror.database_url must look like postgres://user:password@host:5432/database") }
        let user = url.percentEncodedUser.flatMap { $0.removingPercentEncoding } ?? ""
        let password = url.percentEncodedPassword.flatMap { $0.removingPercentEncoding }
        let database = String(url.path.drop { $0 == "/" })
        guard !user.isEmpty else { throw Invalid(description: "mirror.database_url names no user (postgres://USER@host/database)") }
        guard !database.isEmpty else { throw Invalid(description: "mirror.database_url names no database (postgres://user@host/DATABASE)") }
        var query: [String: String] = [:]
        for item in url.queryItems ?? [] { query[item.name] = item.value ?? "" }
        let port = url.port ?? query["port"].flatMap { Int($0) } ?? 5432
        let socketFolder = query["host"].flatMap { $0.hasPrefix("/") ? $0 : nil }
        if let socketFolder {
            configuration = PostgresClient.Configuration(
                unixSocketPath: "\(socketFolder)/.s.PGSQL.\(port)",
                username: user,
                password: password,
                database: database
            )
        } else {
            guard let host = url.host, !host.isEmpty else { throw Invalid(description: "mirror.database_url names no host") }
            let tls: PostgresClient.Configuration.TLS
            switch query["sslmode"] ?? "prefer" {
            case "disable": tls = .disable
            case "prefer", "allow": tls = .prefer(.makeClientConfiguration())
            case "require", "verify-ca", "verify-full": tls = .require(.makeClientConfiguration())
            case let other: throw Invalid(description: "mirror.database_url: sslmode \(other) is not one of disable, prefer, require")
            }
            configuration = PostgresClient.Configuration(
                host: host,
                port: port,
                username: user,
                password: password,
                database: database,
                tls: tls
            )
        }
        // A few instances share one server; each needs only a handful of connections.
        configuration.options.maximumConnections = 8
        let place = socketFolder.map { "\($0) (socket)" } ?? "\(url.host ?? ""):\(port)"
        description = "postgres://\(user)\(password == nil ? "" : ":***")@\(place)/\(database)"
    }
}
