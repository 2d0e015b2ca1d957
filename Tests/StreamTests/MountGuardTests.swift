import Foundation
import OffThread
import Synchronization
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Calls into a media folder that stops answering: they keep their folder's slots, later callers are told in time,
/// and other folders and the rest of the pool go on.
@Suite("mount guard")
struct MountGuardTests {
    /// A call that blocks until `release` is signalled, as `open` on a dead network mount does.
    final class Hang: Sendable {
        private let semaphore = DispatchSemaphore(value: 0)
        func wait() { semaphore.wait() }
        func release(_ count: Int) { for _ in 0..<count { semaphore.signal() } }
    }

    struct Stalled: Error, Equatable {}

    @Test("a folder that hangs holds only its own slots: its later callers are told after the patience, others go on")
    func hungFolder() async throws {
        let guardian = MountGuard(perFolder: 2, overall: 3, patience: .milliseconds(300))
        let hang = Hang()
        // Two calls into the dead folder: each gives up after the patience, and keeps its slot.
        for _ in 0..<2 {
            await #expect(throws: Stalled.self) {
                try await guardian.run(folder: "/dead", stalled: Stalled()) { () throws(Stalled) in hang.wait() }
            }
        }
        #expect(guardian.busy("/dead") == 2)
        // A third waits for a slot that does not come: refused after the patience, without taking a thread.
        let started = ContinuousClock.now
        await #expect(throws: Stalled.self) {
            try await guardian.run(folder: "/dead", stalled: Stalled()) { () throws(Stalled) in 1 }
        }
        #expect(ContinuousClock.now - started >= .milliseconds(300))
        #expect(guardian.busy("/dead") == 2)
        // Another folder has the one slot left overall, and answers at once.
        let answer = try await guardian.run(folder: "/alive", stalled: Stalled()) { () throws(Stalled) in 42 }
        #expect(answer == 42)
        // Blocking work that is not a media folder's still has the pool: two of its threads are held, the rest free.
        #expect(await offThread { 7 } == 7)
        // The mount comes back: the held calls return, their slots are free, and the folder answers again.
        hang.release(2)
        let freed = ContinuousClock.now + .seconds(10)
        while guardian.busy("/dead") > 0, ContinuousClock.now < freed { await Task.yield() }
        #expect(guardian.busy("/dead") == 0)
        #expect(try await guardian.run(folder: "/dead", stalled: Stalled()) { () throws(Stalled) in 1 } == 1)
    }

    /// How many calls run at once, and the most seen.
    final class Concurrency: Sendable {
        private let counts = Mutex((now: 0, most: 0, done: 0))
        func enter() {
            counts.withLock {
                $0.now += 1
                $0.most = max($0.most, $0.now)
            }
        }
        func leave() {
            counts.withLock {
                $0.now -= 1
                $0.done += 1
            }
        }
        var most: Int { counts.withLock { $0.most } }
        var done: Int { counts.withLock { $0.done } }
    }

    @Test("callers waiting for a slot get one as it comes free, never more at once than the folder's share; errors come through")
    func waitersTakeTurns() async throws {
        let guardian = MountGuard(perFolder: 2, overall: 3, patience: .seconds(30))
        let running = Concurrency()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<8 {
                group.addTask {
                    try await guardian.run(folder: "/slow", stalled: Stalled()) { () throws(Stalled) in
                        running.enter()
                        usleep(20_000)
                        running.leave()
                    }
                }
            }
            try await group.waitForAll()
        }
        #expect(running.done == 8)
        #expect(running.most == 2)
        #expect(guardian.busy("/slow") == 0)
        await #expect(throws: Stalled.self) {
            try await guardian.run(folder: "/slow", stalled: Stalled()) { () throws(Stalled) in throw Stalled() }
        }
    }
}
