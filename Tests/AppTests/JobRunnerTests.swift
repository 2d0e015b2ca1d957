import Foundation
import Logging
import Mirror
import ServiceLifecycle
import Testing

@testable import App

@Suite("job runner")
struct JobRunnerTests {
    @Test("on graceful shutdown a running job is not cancelled and finishes before the runner returns; new jobs are refused")
    func shutdownLetsJobsFinish() async throws {
        let jobs = JobCenter()
        let runner = JobRunner(jobs: jobs, logger: Logger(label: "test"))
        let started = LockedBox(false)
        let released = LockedBox(false)
        let cancelled = LockedBox<Bool?>(nil)
        let group = ServiceGroup(services: [runner], logger: Logger(label: "test"))
        let job = runner.submit(kind: "slow") { progress in
            started.withLock { $0 = true }
            progress(.init(phase: "working", done: 0, total: 1))
            // Works until the test lets it go, after the shutdown began: a cancelled job would fail here (the
            // sleep throws) and record that it was cancelled.
            while !released.withLock({ $0 }) {
                do { try await Task.sleep(for: .milliseconds(10)) } catch {
                    cancelled.withLock { $0 = true }
                    throw error
                }
            }
            cancelled.withLock { $0 = Task.isCancelled }
            return nil
        }
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for _ in 0..<500 where !started.withLock({ $0 }) { try await Task.sleep(for: .milliseconds(10)) }
            #expect(jobs.snapshot(job.id)?.state == .running)
            await group.triggerGracefulShutdown()
            for _ in 0..<500 where runner.isAccepting { try await Task.sleep(for: .milliseconds(10)) }
            let refused = runner.submit(kind: "other") { _ in nil }
            #expect(refused.state == .failed)
            #expect(refused.error == "the server is shutting down")
            #expect(jobs.snapshot(job.id)?.state == .running, "still running while the runner stops")
            released.withLock { $0 = true }
            try await tasks.waitForAll()
        }
        #expect(cancelled.withLock { $0 } == false, "the job was not cancelled by the stop")
        #expect(jobs.snapshot(job.id)?.state == .done, "the job finished before the runner returned")
    }

    @Test("one job of a kind at a time; different kinds run side by side")
    func kinds() async throws {
        let jobs = JobCenter()
        let runner = JobRunner(jobs: jobs, logger: Logger(label: "test"))
        let running = LockedBox(0)
        let most = LockedBox(0)
        let work: JobRunner.Work = { _ in
            let now = running.withLock {
                $0 += 1
                return $0
            }
            most.withLock { $0 = max($0, now) }
            try await Task.sleep(for: .milliseconds(200))
            running.withLock { $0 -= 1 }
            return nil
        }
        let a = runner.submit(kind: "a", work: work)
        #expect(runner.submit(kind: "a", work: work).id == a.id)
        let b = runner.submit(kind: "b", work: work)
        let task = Task { try await runner.run() }
        defer { task.cancel() }
        for _ in 0..<500 where [a.id, b.id].contains(where: { jobs.snapshot($0)?.isFinished != true }) {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(jobs.snapshot(a.id)?.state == .done)
        #expect(jobs.snapshot(b.id)?.state == .done)
        #expect(most.withLock { $0 } == 2)
    }
}
