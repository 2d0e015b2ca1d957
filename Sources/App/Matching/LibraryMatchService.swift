import Foundation
import Library
import Logging
import Mirror

/// Runs matching as a job (`POST /api/matches/auto`), one at a time: asking while one runs joins it.
/// Before matching it makes sure the titles dump is there: it asks the fetcher for it (at most once a day) and
/// waits a while for a first download.
final class LibraryMatchService: Sendable {
    let matching: LibraryMatching
    let jobs: JobCenter
    let logger: Logger
    /// How long a job waits for the first titles dump before matching with what there is.
    let titlesWait: Double
    private let running = LockedBox<String?>(nil)

    init(matching: LibraryMatching, jobs: JobCenter, logger: Logger, titlesWait: Double = 120) {
        self.matching = matching
        self.jobs = jobs
        self.logger = logger
        self.titlesWait = titlesWait
    }

    func start() -> JobSnapshot {
        let (job, isNew) = jobs.joinOrCreate(kind: "library-match", slot: running)
        guard isNew else { return job }
        Task { [self] in
            await execute(job.id)
            running.withLock { if $0 == job.id { $0 = nil } }
        }
        return job
    }

    private func execute(_ id: String) async {
        jobs.update(id) {
            $0.state = .running
            $0.progress = .init(phase: "titles", done: 0, total: 0)
        }
        do {
            try await awaitTitles()
            let lastUpdate = LockedBox(Date.distantPast)
            let jobs = jobs
            let report = try await matching.run { done, total in
                let due = lastUpdate.withLock { last -> Bool in
                    guard done == total || Date().timeIntervalSince(last) >= 0.1 else { return false }
                    last = Date()
                    return true
                }
                guard due else { return }
                jobs.update(id) { $0.progress = .init(phase: "matching", done: done, total: total) }
            }
            jobs.update(id) {
                $0.state = .done
                $0.result = .match(report)
                $0.progress = .init(phase: "done", done: report.files, total: report.files)
            }
        } catch {
            logger.error("library matching failed: \(error)")
            jobs.update(id) {
                $0.state = .failed
                $0.error = "\(error)"
            }
        }
    }

    /// Asks for the titles dump when it is missing or a day old; waits for a first one when fetching is on.
    private func awaitTitles() async throws {
        let fetcher = matching.fetcher
        guard fetcher.isFetching else { return }
        try await fetcher.needTitles()
        guard fetcher.titlesDump() == nil else { return }
        let deadline = Date().addingTimeInterval(titlesWait)
        while Date() < deadline {
            try await Task.sleep(for: .milliseconds(200))
            let snapshot = try await fetcher.snapshot()
            if fetcher.titlesDump() != nil || snapshot.bannedUntil != nil || snapshot.clientError != nil { return }
            if let error = snapshot.lastError, error.hasPrefix("titles dump") { return }
        }
    }
}
