import Foundation
import Library
import Logging
import Mirror

/// Matching as a job of the `JobRunner` (`POST /api/matches/auto`, and after a scan that changed the library):
/// asking while one runs joins it. Before matching it makes sure the titles dump is there: it asks the fetcher for
/// it (at most once a day) and waits a while for a first download.
struct LibraryMatchService: Sendable {
    let matching: LibraryMatching
    let runner: JobRunner
    let logger: Logger
    /// How long a job waits for the first titles dump before matching with what there is.
    var titlesWait: Double = 120

    func start() -> JobSnapshot {
        let (matching, titlesWait) = (matching, titlesWait)
        return runner.submit(kind: "library-match") { progress in
            progress(.init(phase: "titles", done: 0, total: 0))
            try await Self.awaitTitles(matching.fetcher, wait: titlesWait)
            let version = try await matching.catalogVersion()
            var report = try await matching.run { done, total in progress(.init(phase: "matching", done: done, total: total)) }
            // A correction or a new mapping that came while this run went (and joined it) gets a run of its own.
            if try await matching.catalogVersion() != version {
                report = try await matching.run { done, total in progress(.init(phase: "matching", done: done, total: total)) }
            }
            progress(.init(phase: "done", done: report.files, total: report.files))
            return .match(report)
        }
    }

    /// Matches again after the community mapping changed, but only when there is a library to match: on a
    /// mirror-only instance a match would ask AniDB for the titles dump for nothing.
    func startIfLibrary() {
        do {
            guard try !matching.index.isEmpty() else { return }
            _ = start()
        } catch {
            logger.error("library matching: cannot tell whether the library has files: \(error)")
        }
    }

    /// Resumes matching a crash (or a `anikura scan` before `serve`) left undone.
    func resumeIfNeeded() {
        do {
            guard try matching.index.needsMatching() else { return }
            logger.info("library matching: files changed since the last match finished; matching now")
            _ = start()
        } catch {
            logger.error("library matching: cannot read what is pending: \(error)")
        }
    }

    /// Asks for the titles dump when it is missing or a day old; waits for a first one when fetching is on, looking
    /// again each time an upstream request settles (no polling, and the dump itself is never read here).
    private static func awaitTitles(_ fetcher: Fetcher, wait: Double) async throws {
        guard fetcher.isFetching else { return }
        try await fetcher.needTitles()
        let deadline = Date().addingTimeInterval(wait)
        while true {
            let generation = fetcher.upstreamChanged.generation
            if fetcher.hasTitlesDump { return }
            let snapshot = try await fetcher.snapshot()
            if snapshot.bannedUntil != nil || snapshot.clientError != nil { return }
            if let error = snapshot.lastError, error.hasPrefix("titles dump") { return }
            let left = deadline.timeIntervalSinceNow
            guard left > 0, await fetcher.upstreamChanged.wait(after: generation, seconds: left) else { return }
            try Task.checkCancellation()
        }
    }
}
