import AniDBFake
import Foundation
import Logging

@testable import Mirror

/// A fetcher wired to a fake AniDB on a local socket, a clock the test moves, and a captured log.
struct FetcherHarness {
    let fake: FakeAniDB
    let clock: ManualClock
    let store: MirrorStore
    let logs = LogCapture()
    let dataDirectory: String
    var settings: FetcherSettings

    init(
        store: MirrorStore? = nil,
        limits: UpstreamLimits = UpstreamLimits(),
        clientVersion: String = "1",
        username: String = "",
        password: String = "",
        clock: ManualClock = ManualClock()
    ) async throws {
        fake = try await FakeAniDB.start()
        self.clock = clock
        self.store = try store ?? TestDatabase.store()
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

    /// A fetcher on this harness's fake and clock; `store` stands for a restarted process on the same database file.
    func makeFetcher(store: MirrorStore? = nil, settings: FetcherSettings? = nil, timeoutSeconds: Int64 = 30) -> Fetcher {
        Fetcher(
            store: store ?? self.store,
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
        let store = store
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
        return await eventually(within: 10) { current.withLock { $0 }?.isIdle(now: clock.now()) ?? false }
    }
}
