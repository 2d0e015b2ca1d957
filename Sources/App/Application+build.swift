import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdCore
import Library
import Logging
import Mirror
import OffThread
import Outside
import ServiceLifecycle
import Stream

#if canImport(Glibc)
import Glibc
#endif

/// Builds the whole application; `serve` and the tests both call this.
/// Tests pass their own `database` (in memory, already seeded), a clock they move, and may point
/// `mirror.base_url` at a fake AniDB.
func buildApplication(
    configuration: AppConfiguration,
    logger: Logger,
    database: AppDatabase? = nil,
    clock: any MirrorClock = SystemClock(),
    transport: (any AniDBTransport)? = nil
) async throws
    -> some ApplicationProtocol
{
    let parts = try await buildParts(
        configuration: configuration,
        logger: logger,
        database: database,
        clock: clock,
        transport: transport
    )
    let limits = configuration.server.limits
    let connections = ConnectionRegistry(capacity: limits.effectiveMaxConnections)
    let server = HTTPServerBuilder.http1(
        configuration: HTTP1Channel.Configuration(
            additionalChannelHandlers: [ConnectionGuardHandler(limits: limits, registry: connections)],
            httpDecoderConfiguration: .init(
                maxHeaderFieldSize: limits.maxHeadBytes,
                maxHeaderListSize: limits.maxHeadBytes,
                maxHeaderFieldCount: 200
            )
        )
    )
    func listener(_ host: String, _ port: Int) -> ApplicationConfiguration {
        // Many clients may connect at once (a Kometa run, Shoko's queue); the kernel caps this anyway.
        .init(address: .hostname(host, port: port), serverName: "Anikura", backlog: 1024)
    }
    var app = Application(
        router: parts.router,
        server: server,
        configuration: listener(configuration.server.host, configuration.server.port),
        logger: logger
    )
    // Further listeners serve the same routes under the same policies, and share the connection limits.
    for extra in configuration.server.extraBinds {
        app.addServices(Application(router: parts.router, server: server, configuration: listener(extra.host, extra.port), logger: logger))
    }
    app.addServices(parts.services)
    return app
}

/// The router with every route, and the long-running services, before they become an `Application`: what the
/// route-policy test enumerates.
struct AppParts {
    var router: Router<AppRequestContext>
    /// In start order; shut down in reverse.
    var services: [any Service]
}

func buildParts(
    configuration: AppConfiguration,
    logger: Logger,
    database: AppDatabase?,
    clock: any MirrorClock,
    transport: (any AniDBTransport)?
) async throws -> AppParts {
    let database = try database ?? AppDatabase.open(path: configuration.databasePath, mapReaders: true)
    for partial in BackupInProgress.sweep(dataDir: configuration.dataDir) {
        logger.notice("removed \(partial), left by a backup that did not finish")
    }
    let store = MirrorStore(writer: database.writer, cache: documentCache(configuration, inMemory: database.path == nil))
    let metrics = MirrorMetrics()
    // One HTTP client for AniDB's API and its image CDN; the fetcher shuts it down when it stops.
    let upstream = transport ?? HTTPClientTransport()
    // Several instances share one AniDB budget through PostgreSQL; one machine keeps it in its SQLite file.
    let cluster = configuration.mirror.database.map {
        ClusterMirror(address: $0, store: store, answerWithin: configuration.mirror.databaseTimeoutSeconds, logger: logger)
    }
    if let cluster { logger.notice("mirror: shared with other instances through \(cluster.address)") }
    let fetcher = Fetcher(
        store: store,
        ledger: cluster?.ledger,
        transport: upstream,
        clock: clock,
        settings: configuration.mirror.fetcherSettings(dataDirectory: configuration.dataDir),
        metrics: metrics,
        logger: logger
    )
    // The community mapping files live beside the database; in a cluster PostgreSQL shares one download.
    let mappingFiles = MappingFiles(directory: configuration.dataDir, store: store, ledger: cluster?.ledger ?? store)
    let mirror = MirrorRouteContext(
        store: store,
        fetcher: fetcher,
        metrics: metrics,
        clock: clock,
        httpapiWaitSeconds: configuration.mirror.httpapiWaitSeconds,
        clientWaitSeconds: configuration.mirror.clientWaitSeconds,
        mappingFiles: mappingFiles
    )
    let alerts = AlertCenter(
        settings: configuration.alerts,
        clock: clock,
        instance: ClusterMirror.hostName(),
        metrics: metrics,
        logger: logger
    )
    let jobs = JobCenter()
    let children = ChildProcessGroup(cacheRoot: configuration.segmentCachePath)
    let libraryIndex = LibraryIndex(writer: database.writer)
    let probes = ProbeCache(writer: database.writer)
    // Calls into media folders (probes, segment reads, file checks) share one guard, so a dead mount cannot take
    // the blocking pool from everything else.
    let mountGuard = MountGuard(patience: .milliseconds(Int(configuration.library.diskTimeoutSeconds * 1000)))
    let streams = StreamService(
        probes: probes,
        cache: SegmentCache(root: configuration.segmentCachePath, capacityBytes: configuration.hls.cacheMegabytes << 20),
        tool: FFmpegTool(executable: configuration.hls.ffmpeg, group: children),
        settings: configuration.hls.streamSettings,
        mountGuard: mountGuard,
        logger: logger
    )
    let tokens = StreamTokens(
        secret: try streamTokenSecret(configuration, inMemory: database.path == nil),
        lifetime: configuration.hls.tokenHours * 3600
    )
    let matching = LibraryMatching(
        index: libraryIndex,
        store: store,
        fetcher: fetcher,
        mappingFiles: mappingFiles,
        minConfidence: configuration.minConfidence,
        logger: logger
    )
    let runner = JobRunner(jobs: jobs, logger: logger) { kind, error in
        metrics.count("anikura_jobs_failed_total", help: "Jobs that failed, by kind.", labels: [("kind", kind)])
        alerts.raise(.jobFailed, "The \(kind) job failed: \(error)", details: ["job": kind, "error": error])
    }
    let matches = LibraryMatchService(matching: matching, runner: runner, logger: logger)
    // A new mapping may place files the last one could not: the library is matched again.
    let mappingDownloader = MappingDownloader(
        files: mappingFiles,
        transport: HTTPMappingTransport(),
        urls: [.animeList: configuration.mirror.mappingURL, .animeIDs: configuration.mirror.idsURL],
        clock: clock,
        logger: logger,
        changed: { matches.startIfLibrary() }
    )
    // A scan that changed the library is followed by matching, so new files get their anime without a click.
    let scanner = LibraryScanner(index: libraryIndex, roots: configuration.mediaDirs)
    let writeGate = LibraryWriteGate()
    let offline: @Sendable (ScanReport) -> Void = { report in
        alerts.raise(
            .mediaOffline,
            "A library scan could not reach \(report.offline) known files (their folder cannot be read, is empty or does "
                + "not answer: an unmounted disk, a network share gone?). They are kept and marked offline; nothing is removed.",
            details: ["files": "\(report.offline)"]
        )
    }
    let scans = LibraryScanService(
        scanner: scanner,
        runner: runner,
        gate: writeGate,
        logger: logger,
        mountGuard: mountGuard,
        afterChange: { _ in _ = matches.start() },
        afterOffline: offline
    )
    // Files that arrive without a scan: the folder watcher, Sonarr's and Radarr's webhooks, targeted scans.
    let updates = LibraryUpdates(
        scanner: scanner,
        index: libraryIndex,
        matching: matching,
        jobs: jobs,
        gate: writeGate,
        logger: logger,
        mountGuard: mountGuard,
        afterOffline: offline
    )
    let watching = LibraryWatchService(
        roots: configuration.mediaDirs,
        settings: configuration.library,
        updates: updates,
        scans: scans,
        logger: logger
    )
    // Matching that a crash interrupted (recorded with the scan's changes) resumes at start.
    runner.atStart { matches.resumeIfNeeded() }
    if !configuration.mirror.seedDir.isEmpty {
        let seed = SeedImportJob(
            importer: SeedImporter(store: store),
            cluster: cluster?.copier,
            mappingFiles: mappingFiles,
            directory: configuration.mirror.seedDir,
            metrics: metrics,
            logger: logger
        )
        runner.atStart { seed.start(on: runner) }
    }
    let users = UserStore(writer: database.writer)
    try await AccountsStartup.prepare(configuration, users: users, logger: logger, now: clock.now())
    let access = configuration.server.access
    let authenticator = Authenticator(
        users: users,
        clock: clock,
        openWhenNoUsers: configuration.server.isLoopback,
        logger: logger
    )
    let throttle = SignInThrottle(limit: access.signInFailureLimit, window: access.signInWindow)
    let viewerPreferences = PreferencesStore(writer: database.writer)
    let restricted = RestrictedFilter(preferences: viewerPreferences, store: store)
    let router = buildRouter(
        mirror: mirror,
        streams: streams,
        restricted: restricted,
        configuration: configuration,
        access: AccessMiddleware(
            authenticator: authenticator,
            throttle: throttle,
            anonymousLimiter: AddressRateLimiter(rate: access.anonymousRatePerSecond, burst: access.anonymousBurst),
            settings: access,
            clock: clock
        )
    )
    AuthRoutes<AppRequestContext>(
        users: users,
        authenticator: authenticator,
        throttle: throttle,
        settings: access,
        clock: clock,
        listLinks: ListSyncStore(writer: database.writer)
    )
    .register(on: router)
    InviteRoutes<AppRequestContext>(
        invites: InviteStore(writer: database.writer, users: users),
        throttle: throttle,
        settings: access,
        clock: clock
    )
    .register(on: router)
    let watch = WatchStateStore(writer: database.writer)
    let handOff = HandOffTargets(sonarr: configuration.sonarr != nil, radarr: configuration.radarr != nil)
    let listSyncStore = ListSyncStore(writer: database.writer)
    let sync = configuration.listSync
    let aniList = AniListClient(endpoint: sync.aniListURL)
    let myAnimeList = MyAnimeListClient(
        apiURL: sync.malAPIURL,
        authURL: sync.malAuthURL,
        clientId: sync.malClientId,
        clientSecret: sync.malClientSecret
    )
    let listSyncs = [
        (AniListService(api: aniList) as any ListService, sync.aniListPerMinute),
        (MyAnimeListService(api: myAnimeList, store: listSyncStore, clock: clock), sync.malPerMinute),
    ].map { client, perMinute in
        ListSyncService(
            store: listSyncStore,
            watch: watch,
            mirror: store,
            mappingFiles: mappingFiles,
            client: client,
            clock: clock,
            perMinute: perMinute,
            logger: logger
        )
    }
    WatchRoutes<AppRequestContext>(watch: watch, clock: clock, restricted: restricted, listSyncs: listSyncs).register(on: router)
    ListLinkRoutes<AppRequestContext>(
        store: listSyncStore,
        syncs: listSyncs,
        aniList: aniList,
        myAnimeList: myAnimeList,
        malClientId: sync.malClientId,
        publicURL: access.publicURL,
        mirror: store,
        clock: clock
    )
    .register(on: router)
    PreferencesRoutes<AppRequestContext>(preferences: viewerPreferences, clock: clock).register(on: router)
    let posters = PosterStore(
        store: store,
        transport: upstream,
        clock: clock,
        settings: PosterSettings(
            baseURL: configuration.mirror.imageURL,
            dailyLimit: configuration.mirror.imageDailyLimit,
            directory: (configuration.dataDir as NSString).appendingPathComponent("images")
        ),
        logger: logger
    )
    ShelfRoutes<AppRequestContext>(
        shelf: ShelfService(
            index: libraryIndex,
            store: store,
            fetcher: fetcher,
            watch: watch,
            mappingFiles: mappingFiles,
            handOff: handOff,
            probes: probes,
            mountGuard: mountGuard
        ),
        posters: posters,
        restricted: restricted
    )
    .register(on: router)
    AdminRoutes<AppRequestContext>(
        mirror: mirror,
        users: users,
        preferences: viewerPreferences,
        authenticator: authenticator,
        index: libraryIndex,
        mediaDirs: configuration.mediaDirs,
        mountGuard: mountGuard,
        mappingFiles: mappingFiles,
        jobs: jobs,
        clock: clock,
        watchStatus: { watching.status }
    )
    .register(on: router)
    LibraryRoutes<AppRequestContext>(index: libraryIndex, scans: scans, updates: updates, jobs: jobs).register(on: router)
    WebhookRoutes<AppRequestContext>(updates: updates, scanner: scanner, pathMap: configuration.library.pathMap, logger: logger)
        .register(on: router)
    HandOffRoutes<AppRequestContext>(
        matching: matching,
        mappingFiles: mappingFiles,
        sonarr: configuration.sonarr,
        radarr: configuration.radarr
    )
    .register(on: router)
    MatchRoutes<AppRequestContext>(matching: matching, service: matches, handOff: handOff, restricted: restricted).register(on: router)
    MappingRoutes<AppRequestContext>(files: mappingFiles, matching: matching, matches: matches, clock: clock).register(on: router)
    StreamRoutes<AppRequestContext>(
        index: libraryIndex,
        streams: streams,
        tokens: tokens,
        authenticator: authenticator,
        preferences: viewerPreferences,
        restricted: restricted,
        now: { Date(timeIntervalSince1970: clock.now()) }
    )
    .register(on: router)
    DirectPlayRoutes<AppRequestContext>(
        index: libraryIndex,
        tokens: tokens,
        authenticator: authenticator,
        publicURL: access.publicURL,
        restricted: restricted,
        now: { Date(timeIntervalSince1970: clock.now()) },
        mountGuard: mountGuard
    )
    .register(on: router)
    // Shut down in reverse: the alert checks stop, jobs finish, producers stop, then any ffmpeg left goes with the
    // keeper; alerts still go out until then, and the run marker goes last (a clean stop).
    let shared = cluster?.services(fetcher: fetcher, mappingFiles: mappingFiles, logger: logger) ?? []
    let marker = RunMarker(
        path: (configuration.dataDir as NSString).appendingPathComponent("anikura.running"),
        alerts: alerts,
        now: { clock.now() },
        logger: logger
    )
    let alertWatch = AlertWatch(
        alerts: alerts,
        fetcher: fetcher,
        index: libraryIndex,
        roots: configuration.mediaDirs,
        mountGuard: mountGuard,
        logger: logger
    )
    return AppParts(
        router: router,
        services: [marker, alerts, children] + shared + [fetcher, mappingDownloader, streams, runner, updates, watching] + listSyncs + [alertWatch]
    )
}

func buildRouter(
    mirror: MirrorRouteContext,
    streams: StreamService,
    restricted: RestrictedFilter,
    configuration: AppConfiguration,
    access: AccessMiddleware<AppRequestContext>
) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    let assets = WebAssets(directory: configuration.webDir)
    let shell = assets.files["index.html"].map { String(buffer: $0.body) } ?? ""
    router.add(middleware: RequestMetricsMiddleware(metrics: mirror.metrics))
    router.add(
        middleware: SecurityHeadersMiddleware(
            contentSecurityPolicy: SecurityHeadersMiddleware<AppRequestContext>.policy(
                inlineScripts: SecurityHeadersMiddleware<AppRequestContext>.inlineScripts(of: shell)
            )
        )
    )
    router.add(middleware: CompressionMiddleware())
    router.add(middleware: ServerErrorMiddleware(dataDir: configuration.dataDir))
    router.add(middleware: RequestLimitsMiddleware())
    // Every route below is checked against its entry in `RoutePolicy.table`.
    router.add(middleware: access)
    let kometa = KometaRoutes<AppRequestContext>(mirror: mirror)
    kometa.register(on: router.group(""))
    kometa.register(on: router.group("anidb-service"))
    AniDBHTTPAPIRoutes(mirror: mirror).register(on: router)
    NativeAPIRoutes<AppRequestContext>(mirror: mirror, restricted: restricted).register(on: router)
    MetricsRoute(mirror: mirror, streams: streams).register(on: router)
    router.get("health") { _, _ in "ok\n" }
    WebRoutes<AppRequestContext>(assets: assets).register(on: router)
    return router
}

/// The key stream tokens are signed with: 32 random bytes kept in the data folder (readable by the owner
/// only), so links survive a restart; a fresh one per process for an in-memory database.
func streamTokenSecret(_ configuration: AppConfiguration, inMemory: Bool) throws -> Data {
    var random = SystemRandomNumberGenerator()
    let fresh = Data((0..<32).map { _ in UInt8.random(in: 0...255, using: &random) })
    guard !inMemory else { return fresh }
    let path = (configuration.dataDir as NSString).appendingPathComponent("stream-token.key")
    if let existing = FileManager.default.contents(atPath: path), existing.count == 32 { return existing }
    try FileManager.default.createDirectory(atPath: configuration.dataDir, withIntermediateDirectories: true)
    let temporary = path + ".tmp"
    guard FileManager.default.createFile(atPath: temporary, contents: fresh, attributes: [.posixPermissions: 0o600]),
        rename(temporary, path) == 0
    else { throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path]) }
    return fresh
}

/// The in-memory document cache, watching the database files so another process's import is noticed.
func documentCache(_ configuration: AppConfiguration, inMemory: Bool) -> DocumentCache? {
    guard configuration.mirror.memoryCacheMegabytes > 0 else { return nil }
    let capacity = configuration.mirror.memoryCacheMegabytes << 20
    guard !inMemory else { return DocumentCache(capacityBytes: capacity) }
    let files = [configuration.databasePath, configuration.databasePath + "-wal"]
    return DocumentCache(capacityBytes: capacity) { @Sendable in
        files.flatMap { file -> [Int] in
            var info = stat()
            guard stat(file, &info) == 0 else { return [-1, -1] }
            return [Int(info.st_size), Int(info.st_mtim.tv_sec) * 1_000_000_000 + Int(info.st_mtim.tv_nsec)]
        }
    }
}
