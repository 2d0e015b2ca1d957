import Foundation
import Logging
import Mirror
import MirrorPostgres
import PostgresNIO
import ServiceLifecycle

#if canImport(Glibc)
import Glibc
#endif

/// The parts a cluster instance adds when `mirror.database_url` is set: the pooled PostgreSQL client, the shared
/// ledger, and the replicator that keeps this instance's store a copy of the shared documents.
struct ClusterMirror: Sendable {
    let address: PostgresAddress
    let client: PostgresClient
    let ledger: PostgresLedger

    init(address: PostgresAddress, store: MirrorStore, answerWithin: Double = 10, logger: Logger) {
        self.address = address
        client = PostgresClient(configuration: address.configuration, backgroundLogger: logger)
        ledger = PostgresLedger(client: client, local: store, instance: Self.instanceName(), logger: logger, answerWithin: answerWithin)
    }

    /// `host:pid`: which instance asked AniDB, in the shared ledger and in the logs.
    static func instanceName() -> String { "\(hostName()):\(getpid())" }

    static func hostName() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        return gethostname(&buffer, buffer.count) == 0 ? String(cString: buffer) : "localhost"
    }

    /// In start order, before the fetcher: the client runs until everything else has stopped.
    func services(fetcher: Fetcher, mappingFiles: MappingFiles? = nil, logger: Logger) -> [any Service] {
        [client, MirrorReplicator(ledger: ledger, fetcher: fetcher, mappingFiles: mappingFiles, logger: logger)]
    }

    var copier: PostgresMirrorCopy { PostgresMirrorCopy(ledger: ledger) }
}

/// Identifies a seed by its files (name, size, modification time): the same seed on two instances is shared once.
enum SeedFingerprint {
    static func of(_ states: [String: SeedFileState]) -> String {
        let lines = states.values
            .map { "\(($0.path as NSString).lastPathComponent)\t\($0.size)\t\(Int($0.modifiedAt))" }
            .sorted()
            .joined(separator: "\n")
        return "\(states.count)-" + String(Gzip.crc32(Array(lines.utf8)), radix: 16)
    }
}

extension ClusterMirror {
    /// For a command: runs `body` with a cluster whose PostgreSQL client runs meanwhile.
    static func with<T: Sendable>(
        _ address: PostgresAddress,
        store: MirrorStore,
        logger: Logger,
        _ body: @escaping @Sendable (ClusterMirror) async throws -> T
    ) async throws -> T {
        let cluster = ClusterMirror(address: address, store: store, logger: logger)
        return try await run(cluster) { cluster in
            // Asked once first, so an address that leads nowhere is one clear line, not the pool's own error.
            do { try await cluster.client.query("SELECT 1") } catch {
                throw Unavailable(
                    description: "cannot reach PostgreSQL at \(address): is it running, and does the URL name the right host, port, "
                        + "user and database? (\(String(reflecting: error).prefix(200)))"
                )
            }
            return try await body(cluster)
        }
    }

    /// A shared database a command could not use, said in one line without the password.
    struct Unavailable: Error, CustomStringConvertible {
        let description: String
    }

    private static func run<T: Sendable>(
        _ cluster: ClusterMirror,
        _ body: @escaping @Sendable (ClusterMirror) async throws -> T
    ) async throws -> T {
        try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask {
                await cluster.client.run()
                return nil
            }
            group.addTask { try await body(cluster) }
            defer { group.cancelAll() }
            while let result = try await group.next() {
                if let result { return result }
            }
            throw CancellationError()
        }
    }
}
