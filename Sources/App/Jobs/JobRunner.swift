import Foundation
import Logging
import Mirror
import ServiceLifecycle

/// The one place long jobs run (library scans, matching, the seed import): a lifecycle `Service` in the app's
/// `ServiceGroup`. One job of a kind at a time (asking again joins it); jobs of different kinds run side by side.
/// At start it runs its start-up work (resuming what a crash left, the seed import); on SIGTERM it takes no new
/// jobs and lets the running ones finish before it returns. Work that must survive a crash is recorded in the
/// database by whoever made it necessary, before the job starts (see `LibraryIndex.needsMatching`).
final class JobRunner: Service, Sendable {
    /// A job's body: reports progress, returns its result.
    typealias Work = @Sendable (_ progress: @escaping @Sendable (JobSnapshot.Progress) -> Void) async throws -> JobResult?

    let jobs: JobCenter
    let logger: Logger
    private let startup: LockedBox<[@Sendable () -> Void]> = LockedBox([])
    private let slots = LockedBox<[String: String]>([:])
    private let accepting = LockedBox(true)
    private let queue: AsyncStream<(id: String, kind: String, work: Work)>
    private let enqueue: AsyncStream<(id: String, kind: String, work: Work)>.Continuation

    /// Told of each failed job (its kind and error): the alerts and the failure counter.
    let failed: @Sendable (_ kind: String, _ error: String) -> Void

    init(jobs: JobCenter, logger: Logger, failed: @escaping @Sendable (_ kind: String, _ error: String) -> Void = { _, _ in }) {
        self.jobs = jobs
        self.logger = logger
        self.failed = failed
        (queue, enqueue) = AsyncStream.makeStream()
    }

    /// False once shutdown began: new jobs are refused.
    var isAccepting: Bool { accepting.withLock { $0 } }

    /// Something to do when the runner starts (before any job is taken): resume, import.
    func atStart(_ body: @escaping @Sendable () -> Void) {
        startup.withLock { $0.append(body) }
    }

    /// Starts a job of `kind`, or returns the one of that kind not yet finished.
    func submit(kind: String, work: @escaping Work) -> JobSnapshot {
        let (job, isNew) = slots.withLock { slots -> (JobSnapshot, Bool) in
            if let current = slots[kind], let job = jobs.snapshot(current), !job.isFinished { return (job, false) }
            let job = jobs.create(kind: kind)
            slots[kind] = job.id
            return (job, true)
        }
        guard isNew else { return job }
        guard accepting.withLock({ $0 }), case .enqueued = enqueue.yield((job.id, kind, work)) else {
            jobs.update(job.id) {
                $0.state = .failed
                $0.error = "the server is shutting down"
            }
            return jobs.snapshot(job.id) ?? job
        }
        return job
    }

    func run() async throws {
        for body in startup.withLock({ $0 }) { body() }
        await withGracefulShutdownHandler {
            await withTaskGroup(of: Void.self) { group in
                for await item in queue {
                    group.addTask { await self.execute(item.id, kind: item.kind, item.work) }
                }
                // Shutting down: the jobs already running finish; nothing new starts.
            }
        } onGracefulShutdown: {
            self.accepting.withLock { $0 = false }
            self.enqueue.finish()
        }
    }

    private func execute(_ id: String, kind: String, _ work: Work) async {
        jobs.update(id) { $0.state = .running }
        let jobs = jobs
        let lastUpdate = LockedBox(Date.distantPast)
        do {
            let result = try await work { progress in
                // At most ten updates a second reach subscribers.
                let due = lastUpdate.withLock { last -> Bool in
                    guard progress.done == progress.total || Date().timeIntervalSince(last) >= 0.1 else { return false }
                    last = Date()
                    return true
                }
                if due { jobs.update(id) { $0.progress = progress } }
            }
            jobs.update(id) {
                $0.state = .done
                $0.result = result
                if let done = $0.progress?.total { $0.progress = .init(phase: "done", done: done, total: done) }
            }
        } catch {
            logger.error("\(kind) failed: \(error)")
            jobs.update(id) {
                $0.state = .failed
                $0.error = "\(error)"
            }
            failed(kind, "\(error)")
        }
    }
}
