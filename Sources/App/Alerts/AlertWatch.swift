import Foundation
import Library
import Logging
import Mirror
import OffThread
import ServiceLifecycle

/// Looks at the mirror's upstream state and the media folders every `alerts.check_secs` and raises an alert when
/// something changes for the worse (and when fetching resumes). Reading state, rather than hooking into each place
/// that changes it, sees the same thing on every instance of a shared mirror and after a restart.
struct AlertWatch: Service {
    /// What stops fetching, worst first; `.running` when nothing does.
    enum UpstreamCondition: Equatable {
        case off
        case running
        case exhausted(until: Double?)
        case banned(until: Double, reason: String?)
        case clientError(String)

        init(_ snapshot: UpstreamSnapshot) {
            if !snapshot.enabled {
                self = .off
            } else if let error = snapshot.clientError {
                self = .clientError(error)
            } else if let until = snapshot.bannedUntil {
                self = .banned(until: until, reason: snapshot.banReason)
            } else if snapshot.requestsLeft24h <= 0 {
                self = .exhausted(until: snapshot.nextRequestAt)
            } else {
                self = .running
            }
        }

        var isStopped: Bool {
            switch self {
            case .off, .running: false
            case .exhausted, .banned, .clientError: true
            }
        }
    }

    let alerts: AlertCenter
    let fetcher: Fetcher
    let index: LibraryIndex
    let roots: [String]
    /// Calls into media folders go through the guard: a share that stops answering would otherwise hold a pool
    /// thread for every check, each `alerts.check_secs`, until the pool had none left.
    let mountGuard: MountGuard
    let logger: Logger

    func run() async throws {
        var upstream = UpstreamCondition.running
        var offline: Set<String> = []
        while !Task.isShuttingDownGracefully, !Task.isCancelled {
            do {
                upstream = try await checkUpstream(after: upstream)
            } catch {
                logger.debug("alert check: cannot read the mirror's state: \(error)")
            }
            offline = await checkFolders(offlineBefore: offline)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(alerts.settings.checkSeconds)) }
        }
    }

    /// Raises what a change of the upstream condition means; returns the condition now.
    func checkUpstream(after previous: UpstreamCondition) async throws -> UpstreamCondition {
        let snapshot = try await fetcher.snapshot()
        let now = UpstreamCondition(snapshot)
        guard now != previous else { return now }
        switch now {
        case .off:
            break
        case .running:
            if previous.isStopped { alerts.raise(.fetchingResumed, "Fetching from AniDB goes on (\(snapshot.queueSize) queued).") }
        case .exhausted(let until):
            let when = until.map { " The next request may start at \(ISOTime.format($0))." } ?? ""
            alerts.raise(
                .budgetExhausted,
                "All \(snapshot.dailyLimit) AniDB requests of the rolling 24 hours are used; \(snapshot.queueSize) anime wait.\(when)",
                details: ["limit": "\(snapshot.dailyLimit)", "queued": "\(snapshot.queueSize)", "until": until.map(ISOTime.format) ?? ""]
            )
        case .banned(let until, let reason):
            alerts.raise(
                .banned,
                "AniDB banned this mirror (\(reason ?? "no reason given")); no request is sent until \(ISOTime.format(until)).",
                details: ["until": ISOTime.format(until), "reason": reason ?? ""]
            )
        case .clientError(let error):
            alerts.raise(
                .clientError,
                "AniDB refused the client (\(error)); fetching has stopped until mirror.client/mirror.clientver change.",
                details: ["error": error]
            )
        }
        return now
    }

    /// A folder that cannot be read, is empty or does not answer, while the library holds files from it, is offline.
    /// Raises for folders newly offline; returns the offline set and sets the gauge.
    func checkFolders(offlineBefore: Set<String>) async -> Set<String> {
        var offline: Set<String> = []
        for root in roots {
            guard let trouble = await MediaFolderState.of(root, through: mountGuard).trouble else { continue }
            let held = (try? await index.fileCount(root: root)) ?? 0
            guard held > 0 else { continue }
            offline.insert(root)
            if !offlineBefore.contains(root) {
                alerts.raise(
                    .mediaOffline,
                    "The media folder \(root) \(trouble), but the library holds \(held) files from it "
                        + "(an unmounted disk, a network share gone?). They are kept and marked offline; nothing is removed.",
                    details: ["folder": root, "files": "\(held)"]
                )
            }
        }
        alerts.metrics.setGauge(
            "anikura_media_folders_offline",
            help: "Media folders that cannot be read or are empty while the library holds files from them.",
            to: Double(offline.count)
        )
        return offline
    }
}
