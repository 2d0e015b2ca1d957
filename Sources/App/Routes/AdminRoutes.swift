import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Library
import Mirror
import OffThread

/// What the admin pages read and change: the mirror's standing, users and roles, media folders, jobs.
struct AdminRoutes<Context: CallerRequestContext> {
    let mirror: MirrorRouteContext
    let users: UserStore
    /// Each user's preferences, for the 18+ setting an admin decides for them.
    let preferences: PreferencesStore
    let authenticator: Authenticator
    let index: LibraryIndex
    let mediaDirs: [String]
    /// Looking into a media folder goes through the guard: a share that stops answering answers "not answering"
    /// here after the disk timeout instead of holding a pool thread per visit of the settings page.
    let mountGuard: MountGuard
    /// The community mapping files, whose downloads `/api/mirror/status` reports.
    let mappingFiles: MappingFiles
    let jobs: JobCenter
    let clock: any MirrorClock
    /// Whether the media folders are watched (inotify), and why not.
    let watchStatus: @Sendable () -> LibraryWatchService.Status

    struct NewUser: Decodable {
        var name: String
        var role: Role
        var password: String
    }

    struct RoleChange: Decodable {
        var role: Role
    }

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.get("mirror/status") { _, _ in try JSONResponse.make(try await status()) }
        api.get("jobs") { _, _ in try JSONResponse.make(JobListing(jobs: jobs.recent(limit: 20))) }
        api.get("library/folders") { _, _ in
            let index = index
            let files = try await offThread { try index.files() }
            let states = await MediaFolderState.of(mediaDirs, through: mountGuard)
            let folders = mediaDirs.map { dir in
                let here = files.filter { $0.root == dir }
                return MediaFolder(path: dir, state: states[dir] ?? .unreadable, files: here.count, offlineFiles: here.count(where: \.offline))
            }
            let watch = watchStatus()
            var watching: [String: any Sendable] = ["state": watch.state, "folders": watch.watchedFolders, "rescan_mins": watch.rescanMinutes]
            if let message = watch.message { watching["message"] = message }
            return try JSONResponse.make(["folders": folders.map(\.json), "watching": watching] as [String: any Sendable])
        }
        api.get("users") { _, _ in
            let (users, preferences) = (users, preferences)
            let list = try await offThread { try users.list().map { ($0, try preferences.preferences(userId: $0.id ?? 0).hideRestricted) } }
            return try JSONResponse.make(["users": list.map { Self.json($0.0, hideRestricted: $0.1) }] as [String: any Sendable])
        }
        // An admin hides 18+ titles for a user (a child's account); the user cannot show them again.
        api.put("users/:id") { request, context in
            let user = try await user(context)
            let body: ByteBuffer
            do { body = try await request.body.collect(upTo: 4 << 10) } catch {
                throw APIError(status: .contentTooLarge, message: "The body is larger than 4 KiB.")
            }
            let object = (try? JSONSerialization.jsonObject(with: Data(body.readableBytesView))) as? [String: Any]
            guard let object, object.keys.sorted() == ["hide_restricted"], let value = object["hide_restricted"],
                PreferencesChange.isBoolean(value), let hide = value as? Bool
            else { throw APIError.badRequest(#"Send {"hide_restricted": true or false}."#) }
            let (preferences, now, id) = (preferences, clock.now(), user.id ?? 0)
            _ = try await preferences.update(userId: id, now: now) {
                $0.hideRestricted = hide
                $0.hideRestrictedByAdmin = hide
            }
            return try JSONResponse.make(Self.json(user, hideRestricted: hide))
        }
        api.post("users") { request, _ in
            let new: NewUser = try await RequestParsing.json(request, #"Send {"name", "role": "admin"|"viewer", "password"}."#)
            let (users, now) = (users, clock.now())
            let user = try await accountChange { try users.add(name: new.name, role: new.role, password: new.password, now: now) }
            authenticator.forgetCached()
            return try JSONResponse.make(status: .created, Self.json(user))
        }
        api.delete("users/:id") { _, context in
            let user = try await user(context)
            try await accountChange { try users.remove(name: user.name) }
            authenticator.forgetCached()
            return Response(status: .noContent)
        }
        api.post("users/:id/role") { request, context in
            let user = try await user(context)
            let change: RoleChange = try await RequestParsing.json(request, #"Send {"role": "admin"|"viewer"}."#)
            let users = users
            let id = user.id ?? 0
            let changed = try await accountChange { () throws -> User? in
                try users.setRole(name: user.name, role: change.role)
                return try users.user(id: id)
            }
            authenticator.forgetCached()
            guard let changed else { throw APIError.notFound("No user \(id).") }
            return try JSONResponse.make(Self.json(changed))
        }
    }

    struct JobListing: Encodable {
        var jobs: [JobSnapshot]
    }

    struct MediaFolder: Sendable {
        var path: String
        var state: MediaFolderState
        var files: Int
        var offlineFiles: Int

        var json: [String: any Sendable] {
            [
                "path": path, "reachable": state == .readable || state == .empty, "answering": state != .notAnswering, "files": files,
                "offlineFiles": offlineFiles,
            ]
        }
    }

    static func json(_ user: User, hideRestricted: Bool? = nil) -> [String: any Sendable] {
        var fields: [String: any Sendable] = [
            "id": user.id ?? 0, "name": user.name, "role": user.role.rawValue, "createdAt": ISOTime.format(user.createdAt),
        ]
        if let hideRestricted { fields["hide_restricted"] = hideRestricted }
        return fields
    }

    func user(_ context: Context) async throws -> User {
        let text = context.parameters.get("id") ?? ""
        guard let id = Int64(text), id > 0 else { throw APIError.badRequest("A user id is a positive integer.") }
        guard let user = try await users.user(id: id) else {
            throw APIError.notFound("No user \(id).")
        }
        return user
    }

    /// The mirror as its admin page shows it.
    func status() async throws -> [String: any Sendable] {
        let snapshot = try await mirror.fetcher.snapshot()
        let queued = try await mirror.fetcher.ledger.queuedAIDs()
        let shown = Array(queued.prefix(50))
        let titles = try await mirror.store.summaries(aids: shown)
        let log = try await mirror.fetcher.ledger.upstreamLog(limit: 50)
        let time = { (value: Double?) -> any Sendable in value.map(ISOTime.format) ?? NSNull() }
        var mapping: [[String: any Sendable]] = []
        for kind in MappingFileKind.allCases {
            let state = try await mappingFiles.store.mappingFileState(kind)
            mapping.append([
                "file": kind.fileName, "entries": state.entries ?? NSNull(), "fetchedAt": time(state.fetchedAt),
                "attemptedAt": time(state.attemptedAt), "error": state.error ?? NSNull(), "errorAt": time(state.errorAt),
                "kept": mappingFiles.has(kind),
            ])
        }
        let corrections = try await mappingFiles.store.mappingCorrections().count
        return [
            // The community mapping (TVDB/TMDB numbering): each file's last download, and the admin's corrections.
            "mapping": ["files": mapping, "corrections": corrections] as [String: any Sendable],
            "fetching": snapshot.enabled && snapshot.clientError == nil,
            "enabled": snapshot.enabled,
            "cachedAnime": snapshot.cachedAnime,
            "queueSize": snapshot.queueSize,
            "queue": shown.map { ["aid": $0, "title": titles[$0]?.title ?? NSNull()] as [String: any Sendable] },
            "nextRequestAt": time(snapshot.nextRequestAt),
            "requestsLast24h": snapshot.requestsLast24h,
            "requestsLeft24h": snapshot.requestsLeft24h,
            "dailyLimit": snapshot.dailyLimit,
            "bannedUntil": time(snapshot.bannedUntil),
            "banReason": snapshot.banReason ?? NSNull(),
            "clientError": snapshot.clientError ?? NSNull(),
            "lastError": snapshot.lastError ?? NSNull(),
            "lastErrorAt": time(snapshot.lastErrorAt),
            "titlesFetchedAt": time(snapshot.titlesFetchedAt),
            "titlesDumpAnime": snapshot.titlesDumpAnime,
            "now": ISOTime.format(clock.now()),
            // Waiting with nothing due now (until `nextRequestAt`, or new work): nothing goes to AniDB before then.
            "fetcherWaiting": mirror.fetcher.isIdle(now: clock.now()),
            "requests": log.map { entry in
                [
                    "startedAt": ISOTime.format(entry.startedAt), "target": entry.target, "aid": entry.animeId ?? NSNull(),
                    "outcome": entry.outcome ?? "in flight", "detail": entry.detail ?? NSNull(),
                ] as [String: any Sendable]
            },
        ]
    }
}
