import Foundation
import Library
import Mirror

/// What a long job looks like to clients (`GET /api/jobs/{id}` and its event stream).
struct JobSnapshot: Sendable, Codable, Equatable {
    enum State: String, Sendable, Codable {
        case queued, running, done, failed
    }

    struct Progress: Sendable, Codable, Equatable {
        var phase: String
        var done: Int
        var total: Int
    }

    var id: String
    var kind: String
    var state: State
    var progress: Progress?
    var result: JobResult?
    var error: String?
    var createdAt: String
    var finishedAt: String?

    var isFinished: Bool { state == .done || state == .failed }
}

/// What a finished job produced, encoded as the report itself.
enum JobResult: Sendable, Codable, Equatable {
    case scan(ScanReport)
    case match(MatchReport)
    case seedImport(SeedImportSummary)
    case update(LibraryUpdateReport)

    /// The counts of a seed import.
    struct SeedImportSummary: Sendable, Codable, Equatable {
        var imported: Int
        var replaced: Int
        var unchanged: Int
        var failed: Int
    }

    func encode(to encoder: any Encoder) throws {
        switch self {
        case .scan(let report): try report.encode(to: encoder)
        case .match(let report): try report.encode(to: encoder)
        case .seedImport(let summary): try summary.encode(to: encoder)
        case .update(let report): try report.encode(to: encoder)
        }
    }

    init(from decoder: any Decoder) throws {
        if let report = try? LibraryUpdateReport(from: decoder) {
            self = .update(report)
        } else if let report = try? MatchReport(from: decoder) {
            self = .match(report)
        } else if let summary = try? SeedImportSummary(from: decoder) {
            self = .seedImport(summary)
        } else {
            self = .scan(try ScanReport(from: decoder))
        }
    }
}

/// Long-running jobs and their subscribers. Updates come from worker threads, so this is a lock, not an actor:
/// a progress callback must not wait.
final class JobCenter: Sendable {
    private struct State {
        var jobs: [String: JobSnapshot] = [:]
        var order: [String] = []
        var subscribers: [String: [UUID: AsyncStream<JobSnapshot>.Continuation]] = [:]
    }

    private let state = LockedBox(State())
    /// Finished jobs kept for clients to read.
    static let retained = 100

    func create(kind: String) -> JobSnapshot {
        let job = JobSnapshot(
            id: UUID().uuidString.lowercased(),
            kind: kind,
            state: .queued,
            createdAt: Date().formatted(.iso8601)
        )
        state.withLock { state in
            state.jobs[job.id] = job
            state.order.append(job.id)
            while state.order.count > Self.retained, let oldest = state.order.first,
                state.jobs[oldest]?.isFinished == true
            {
                state.order.removeFirst()
                state.jobs[oldest] = nil
            }
        }
        return job
    }

    func snapshot(_ id: String) -> JobSnapshot? { state.withLock { $0.jobs[id] } }

    /// The newest jobs first, at most `limit` (the web app's header shows the one running).
    func recent(limit: Int) -> [JobSnapshot] {
        state.withLock { state in state.order.reversed().prefix(limit).compactMap { state.jobs[$0] } }
    }

    /// Changes a job and tells its subscribers; a finished job's streams end.
    func update(_ id: String, _ change: (inout JobSnapshot) -> Void) {
        let (job, continuations) = state.withLock { state -> (JobSnapshot?, [AsyncStream<JobSnapshot>.Continuation]) in
            guard var job = state.jobs[id] else { return (nil, []) }
            change(&job)
            if job.isFinished && job.finishedAt == nil { job.finishedAt = Date().formatted(.iso8601) }
            state.jobs[id] = job
            let continuations = Array((state.subscribers[id] ?? [:]).values)
            if job.isFinished { state.subscribers[id] = nil }
            return (job, continuations)
        }
        guard let job else { return }
        for continuation in continuations {
            continuation.yield(job)
            if job.isFinished { continuation.finish() }
        }
    }

    /// The job now, then every change until it finishes. Nil for an unknown job.
    func events(_ id: String) -> AsyncStream<JobSnapshot>? {
        let (stream, continuation) = AsyncStream<JobSnapshot>.makeStream(bufferingPolicy: .bufferingNewest(64))
        let key = UUID()
        let current = state.withLock { state -> JobSnapshot? in
            guard let job = state.jobs[id] else { return nil }
            if !job.isFinished { state.subscribers[id, default: [:]][key] = continuation }
            return job
        }
        guard let current else { return nil }
        continuation.yield(current)
        if current.isFinished { continuation.finish() }
        continuation.onTermination = { [weak self] _ in
            self?.state.withLock { _ = $0.subscribers[id]?.removeValue(forKey: key) }
        }
        return stream
    }
}
