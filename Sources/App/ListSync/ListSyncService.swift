import Accounts
import Foundation
import Logging
import Mirror
import Numbering
import OffThread
import Outside
import ServiceLifecycle
import Synchronization

/// Keeps linked users' lists on one service (AniList, MyAnimeList: `client`) up to date with what they watch in Anikura.
///
/// A change to a user's watch state of an anime (`changed`) sets what their list should say — progress is the highest
/// regular episode watched, status CURRENT, or COMPLETED at the anime's last episode — in the database, through the
/// community mapping's AniList id for that AniDB anime (one per cour). This service sends what is pending, oldest
/// first, at most `perMinute` requests in any minute, waiting out a 429 for its `Retry-After`, backing off after a
/// failure (30 s doubling to an hour), and stopping for a user whose token AniList refuses until they link again.
/// What is pending survives a restart. A `Service` in the one group.
final class ListSyncService: Service, Sendable {
    let client: any ListService
    var service: String { client.name }

    let store: ListSyncStore
    let watch: WatchStateStore
    let mirror: MirrorStore
    let mappingFiles: MappingFiles
    let clock: any MirrorClock
    let perMinute: Int
    let logger: Logger
    private let wake = WakeSignal()
    /// When the last requests were sent (the rate limit's window).
    private let sent = Mutex<[Double]>([])

    init(
        store: ListSyncStore,
        watch: WatchStateStore,
        mirror: MirrorStore,
        mappingFiles: MappingFiles,
        client: any ListService,
        clock: any MirrorClock,
        perMinute: Int,
        logger: Logger
    ) {
        self.store = store
        self.watch = watch
        self.mirror = mirror
        self.mappingFiles = mappingFiles
        self.client = client
        self.clock = clock
        self.perMinute = perMinute
        self.logger = logger
    }

    /// After the user's watch state of `aid` changed: what their list should say now, queued. `completed`: the whole
    /// anime was marked watched.
    func changed(userId: Int64, aid: Int, completed: Bool = false) async {
        do {
            let (store, watch, service, now) = (store, watch, service, clock.now())
            guard try await store.link(userId: userId, service: service) != nil else { return }
            guard let mediaId = try await mappingFiles.mapping().externalIDs(of: aid).flatMap(client.mediaId) else {
                try await store.unsynced(userId: userId, service: service, aid: aid, now: now)
                return
            }
            let watched = try await watch.highestWatchedEpisode(userId: userId, aid: aid) ?? 0
            let count = try await mirror.summaries(aids: [aid])[aid]?.episodeCount ?? 0
            let done = completed || (count > 0 && watched >= count)
            let progress = done && count > 0 ? count : watched
            guard progress > 0 || done else { return }
            let status = done ? ListStatus.completed : .current
            let pending = try await store.want(
                userId: userId,
                service: service,
                aid: aid,
                mediaId: mediaId,
                progress: progress,
                status: status.rawValue,
                now: now
            )
            if pending { wake.signal() }
        } catch {
            logger.error("list sync: cannot queue anime \(aid) for user \(userId): \(error)")
        }
    }

    /// A user linked or linked again: what waited for them is due now.
    func linked() { wake.signal() }

    func run() async throws {
        var pausedUntil = 0.0
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let now = clock.now()
            if now < pausedUntil {
                let until = pausedUntil
                await cancelWhenGracefulShutdown { await self.wake.wait(until: until, clock: self.clock) }
                continue
            }
            let (store, service) = (store, service)
            let due: [(ListEntry, ListLink)]
            do {
                due = try await store.due(service: service, now: now, limit: 20)
            } catch {
                logger.error("list sync: cannot read what is due: \(error)")
                due = []
            }
            if due.isEmpty {
                let next = (try? await store.nextDue(service: service)) ?? nil
                let until = min(next ?? now + 3600, now + 3600)
                if until > now { await cancelWhenGracefulShutdown { await self.wake.wait(until: until, clock: self.clock) } }
                continue
            }
            for (entry, link) in due {
                if let free = nextFreeSlot(now: clock.now()) {
                    pausedUntil = free
                    break
                }
                if let pause = await deliver(entry, link) {
                    pausedUntil = pause
                    break
                }
            }
        }
    }

    /// When a request may be sent, if not now: the window holds `perMinute` already.
    func nextFreeSlot(now: Double) -> Double? {
        sent.withLock { times in
            times.removeAll { $0 <= now - 60 }
            guard times.count >= perMinute, let oldest = times.first else {
                times.append(now)
                return nil
            }
            return oldest + 60
        }
    }

    /// Sends one entry; returns until when to pause everything (the service asked to slow down).
    func deliver(_ entry: ListEntry, _ link: ListLink) async -> Double? {
        let status = ListStatus(rawValue: entry.status) ?? .current
        do {
            try await client.save(entry, status: status, link: link)
            try await store.delivered(entry)
            logger.info(
                "list sync: \(client.label) has anime \(entry.aid) (its \(entry.mediaId)) at \(entry.progress), \(status.rawValue), for user \(entry.userId)"
            )
            return nil
        } catch let error as OutsideError {
            let now = clock.now()
            switch error.kind {
            case .refusedKey:
                logger.notice("list sync: \(client.label) refused user \(entry.userId)'s token; nothing more is sent until they link again")
                try? await store.refuse(userId: entry.userId, service: service, message: error.message)
                return nil
            case .rateLimited:
                let until = now + max(1, error.retryAfter ?? 60)
                logger.notice("list sync: \(client.label) asked to wait \(Int(until - now)) s (429)")
                try? await store.retry(entry, at: until, error: error.message, counts: false)
                return until
            default:
                let delay = min(3600, 30 * pow(2, Double(min(entry.attempts, 10))))
                logger.warning("list sync: anime \(entry.aid) for user \(entry.userId) not sent (\(error.message)); again in \(Int(delay)) s")
                try? await store.retry(entry, at: now + delay, error: error.message)
                return nil
            }
        } catch {
            logger.error("list sync: \(error)")
            return nil
        }
    }
}
