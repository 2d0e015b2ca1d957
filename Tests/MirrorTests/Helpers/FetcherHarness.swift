import AniDBFake
import Foundation
import Logging
import MirrorPostgres
import PostgresNIO
import Testing

@testable import Mirror

/// Where a harness keeps the ledger (queue, requests, ban): in its SQLite store, or shared in PostgreSQL as a
/// cluster instance does.
enum LedgerBackend: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    var testDescription: String { rawValue }
}

/// A PostgreSQL database of its own, with a running client, shared by a harness and its restarts.
final class SharedLedgerDatabase: Sendable {
    let client: PostgresClient
    private let running: Task<Void, Never>

    init() async throws {
        let url = try await TestPostgres.freshDatabase()
        client = PostgresClient(
            configuration: try PostgresAddress(url: url).configuration,
            backgroundLogger: Logger(label: "postgres") { _ in SwiftLogNoOpLogHandler() }
        )
        running = Task { [client] in await client.run() }
    }

    deinit { running.cancel() }
}

/// A fetcher wired to a fake AniDB on a local socket, a clock the test moves, and a captured log.
struct FetcherHarness {
    let fake: FakeAniDB
    let clock: ManualClock
    let store: MirrorStore
    /// nil: the ledger is `store`.
    let shared: SharedLedgerDatabase?
    /// The ledger the fetchers of this harness use: `store`, or PostgreSQL's.
    let ledger: any UpstreamLedger
    let logs = LogCapture()
    let dataDirectory: String
    var settings: FetcherSettings

    init(
        store: MirrorStore? = nil,
        limits: UpstreamLimits = UpstreamLimits(),
        clientVersion: String = "1",
        username: String = "",
        password: String = "",
        clock: ManualClock = ManualClock(),
        backend: LedgerBackend = .sqlite,
        sharing other: FetcherHarness? = nil
    ) async throws {
        fake = try await FakeAniDB.start()
        // AniDB's own pacing, on the test's clock: any request too soon or twice for one aid in a day is banned.
        fake.enforcePacing(minInterval: limits.minInterval, tolerance: 0) { [clock] in clock.now() }
        self.clock = clock
        let store = try store ?? TestDatabase.store()
        self.store = store
        if let other {
            shared = other.shared
        } else {
            shared = backend == .postgres ? try await SharedLedgerDatabase() : nil
        }
        ledger = Self.ledger(for: store, shared: shared, logger: logs.logger)
        dataDirectory = NSTemporaryDirectory() + "anikura-fetcher-" + UUID().uuidString
        settings = FetcherSettings(
            baseURL: fake.baseURL,
            titlesURL: fake.titlesURL,
            client: "anikuratest",
            clientVersion: clientVersion,
            username: username,
            password: password,
            limits: limits,
            dataDirectory: dataDirectory
        )
        for aid in [1, 22, 959, 10145] { fake.add(aid: aid, document: Fixtures.anime(aid)) }
    }

    static func ledger(for store: MirrorStore, shared: SharedLedgerDatabase?, logger: Logger) -> any UpstreamLedger {
        guard let shared else { return store }
        // The tests share one pool (and each fetcher role holds one of its connections): under a loaded run a request
        // may wait long for a connection, which is not what these tests are about (ServerErrorTests covers the deadline).
        return PostgresLedger(
            client: shared.client,
            local: store,
            instance: "test",
            logger: logger,
            takeoverPoll: .milliseconds(50),
            answerWithin: 300
        )
    }

    /// The ledger a fetcher on `store` (a restarted process on the same files) uses.
    func ledger(for store: MirrorStore) -> any UpstreamLedger {
        Self.ledger(for: store, shared: shared, logger: logs.logger)
    }

    /// A fetcher on this harness's fake and clock; `store` stands for a restarted process on the same database file.
    func makeFetcher(store: MirrorStore? = nil, settings: FetcherSettings? = nil, timeoutSeconds: Int64 = 30) -> Fetcher {
        Fetcher(
            store: store ?? self.store,
            ledger: store.map { ledger(for: $0) } ?? ledger,
            transport: HTTPClientTransport(timeoutSeconds: timeoutSeconds),
            clock: clock,
            settings: settings ?? self.settings,
            logger: logs.logger,
            random: { 0.5 }
        )
    }

    /// The fetcher `running` runs, for `runToIdle`.
    let current = LockedBox<Fetcher?>(nil)

    /// Runs `fetcher` while `body` runs, then stops it the way a shutdown or `kill` would.
    func running(_ fetcher: Fetcher, _ body: () async throws -> Void) async throws {
        current.withLock { $0 = fetcher }
        let task = Task { try await fetcher.run() }
        do {
            try await body()
        } catch {
            task.cancel()
            _ = await task.result
            throw error
        }
        task.cancel()
        _ = await task.result
    }

    /// Upstream requests the fake has answered or dropped.
    var upstreamCount: Int { fake.requests.count }

    /// Waits (real time) until the fake has seen `count` requests and the log has recorded their outcomes.
    func settle(requests count: Int) async -> Bool {
        let store = ledger
        let clock = clock
        let fake = fake
        return await eventually {
            guard fake.requests.count == count else { return false }
            guard let outcomes = try? await store.upstreamOutcomes(now: clock.now()) else { return false }
            return outcomes["pending"] == nil
        }
    }

    /// Lets the running fetcher do everything it would at the clock's present time, until it waits with nothing due
    /// (its next deadline after now, no work signalled). Counting requests after this proves none was due: a wrong
    /// one would have been sent before the fetcher went idle.
    func runToIdle() async -> Bool {
        let clock = clock
        let current = current
        // Generous: on a loaded machine a fetcher on PostgreSQL may take a while to create its tables and take the role.
        return await eventually(within: 60) { current.withLock { $0 }?.isIdle(now: clock.now()) ?? false }
    }
}
