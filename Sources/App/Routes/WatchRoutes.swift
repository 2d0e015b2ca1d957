import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Mirror
import OffThread

/// The caller's own watch state: progress per file, watched marks, and "continue watching".
struct WatchRoutes<Context: CallerRequestContext> {
    let watch: WatchStateStore
    let clock: any MirrorClock
    /// 18+ titles hidden from users who hide them (continue watching leaves them out).
    let restricted: RestrictedFilter
    /// Told when an episode becomes watched, to update the user's AniList and MyAnimeList lists.
    var listSyncs: [ListSyncService] = []

    struct ProgressReport: Decodable {
        var position: Double
        var duration: Double
    }

    /// A file's state as the API shows it (times as ISO 8601).
    struct ProgressView: Encodable {
        var fileId: Int64
        var aid: Int?
        var episode: String?
        var position: Double
        var duration: Double
        var watched: Bool
        var updatedAt: String?

        init(fileId: Int64, _ progress: WatchProgress?) {
            self.fileId = fileId
            aid = progress?.aid
            episode = progress?.episode
            position = progress?.position ?? 0
            duration = progress?.duration ?? 0
            watched = progress?.watched ?? false
            updatedAt = progress.map { ISOTime.format($0.updatedAt) }
        }
    }

    func register(on router: Router<Context>) {
        let me = router.group("api/me")
        // PUT from the player; POST too, because `navigator.sendBeacon` (a page being left) can only POST.
        me.put("progress/:fileId") { request, context in try await record(request, context) }
        me.post("progress/:fileId") { request, context in try await record(request, context) }
        me.get("progress/:fileId") { _, context in
            let (user, fileId) = try ids(context)
            guard let progress = try await watch.progress(userId: user, fileId: fileId) else {
                guard try await fileExists(fileId) else { throw noFile(fileId) }
                return try JSONResponse.make(ProgressView(fileId: fileId, nil))
            }
            return try JSONResponse.make(ProgressView(fileId: fileId, progress))
        }
        for (method, watched) in [(HTTPRequest.Method.post, true), (.delete, false)] {
            me.on("watched/:fileId", method: method) { _, context in
                let (user, fileId) = try ids(context)
                let now = clock.now()
                guard try await watch.setWatched(userId: user, fileId: fileId, watched, now: now) else {
                    throw noFile(fileId)
                }
                let progress = try await watch.progress(userId: user, fileId: fileId)
                if !listSyncs.isEmpty, let aid = try await watch.aid(ofFile: fileId) {
                    for sync in listSyncs { await sync.changed(userId: user, aid: aid) }
                }
                return try JSONResponse.make(ProgressView(fileId: fileId, progress))
            }
            me.on("watched/series/:aid", method: method) { _, context in
                let user = try userId(context)
                let aid = try RequestParsing.aid(context.parameters.get("aid"))
                let now = clock.now()
                let files = try await watch.setSeriesWatched(userId: user, aid: aid, watched, now: now)
                guard files > 0 else { throw APIError.notFound("No file on disk is matched to anime \(aid).") }
                for sync in listSyncs { await sync.changed(userId: user, aid: aid, completed: watched) }
                return try JSONResponse.make(["aid": aid, "files": files, "watched": watched] as [String: any Sendable])
            }
        }
        me.get("continue") { _, context in
            let user = try userId(context)
            let watch = watch
            let hidden = try await restricted.hidden(for: user)
            let entries = try await watch.continueWatching(userId: user).filter { !($0.aid.map(hidden.contains) ?? false) }
            return try JSONResponse.make(["items": entries.map(Self.view)] as [String: any Sendable])
        }
    }

    static func view(_ entry: ContinueEntry) -> [String: any Sendable] {
        [
            "kind": entry.kind.rawValue,
            "fileId": entry.fileId,
            "aid": entry.aid ?? NSNull(),
            "episode": entry.episode ?? NSNull(),
            "title": entry.title ?? NSNull(),
            "position": entry.position,
            "duration": entry.duration,
            "updatedAt": ISOTime.format(entry.updatedAt),
        ]
    }

    func record(_ request: Request, _ context: Context) async throws -> Response {
        let (user, fileId) = try ids(context)
        let report: ProgressReport = try await RequestParsing.json(request, #"Send {"position": seconds, "duration": seconds}."#)
        guard report.position.isFinite, report.duration.isFinite, report.position >= 0, report.duration >= 0,
            report.duration <= 7 * 86_400, report.position <= max(report.duration, 1) + 5
        else {
            throw APIError.badRequest("position and duration must be seconds, position within the duration.")
        }
        let now = clock.now()
        let progress = try await watch.record(userId: user, fileId: fileId, position: report.position, duration: report.duration, now: now)
        guard let progress else { throw noFile(fileId) }
        if progress.watched, let aid = progress.aid {
            for sync in listSyncs { await sync.changed(userId: user, aid: aid) }
        }
        return try JSONResponse.make(ProgressView(fileId: fileId, progress))
    }

    func userId(_ context: Context) throws -> Int64 {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller.userId
    }

    func ids(_ context: Context) throws -> (Int64, Int64) {
        (try userId(context), try RequestParsing.fileID(context.parameters.get("fileId")))
    }

    func fileExists(_ id: Int64) async throws -> Bool {
        try await watch.fileExists(id)
    }

    func noFile(_ id: Int64) -> APIError { APIError.notFound("No library file \(id).") }
}
