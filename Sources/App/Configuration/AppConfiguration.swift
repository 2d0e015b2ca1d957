import Foundation
import Mirror
import MirrorPostgres
import Stream

/// Typed, validated settings for the whole app. Built once from a `ConfigReader`; tests build it directly.
struct AppConfiguration: Sendable {
    struct Server: Sendable {
        var host: String
        var port: Int
        /// More listeners with the same routes (`server.extra_binds`), e.g. `0.0.0.0:9001` to answer clients pointed
        /// at `api.anidb.net:9001` by DNS.
        var extraBinds: [(host: String, port: Int)] = []
        /// The old shared HTTP Basic credential: on first start it becomes an admin user (`AccountsStartup.migrateLegacy`).
        var username: String
        var password: String
        var limits: ConnectionLimits
        var access: AccessSettings
        /// First start only (`admin.name`, `admin.password_file`): with no admin yet, one is made with the password
        /// in this file, so a container can start on a public listener without an interactive step.
        /// A graceful stop that has not finished after this long ends the process (`server.stop_timeout_secs`).
        var stopTimeoutSeconds: Double = 5
        var firstAdminName = "admin"
        var firstAdminPasswordFile = ""

        /// Every listener is on loopback: only then may an install without users be open.
        var isLoopback: Bool { AppConfiguration.isLoopback(host) && extraBinds.allSatisfy { AppConfiguration.isLoopback($0.host) } }
        /// The listeners' addresses, for messages.
        var listeners: String { ([(host, port)] + extraBinds).map { "\($0.host):\($0.port)" }.joined(separator: ", ") }
        /// A password shorter than this does not count as a secret for a public listener.
        static let minimumPublicPasswordLength = 12
    }

    struct Mirror: Sendable {
        var seedDir: String
        var baseURL: String
        var titlesURL: String
        var client: String
        var clientVersion: String
        var username: String
        var password: String
        var minIntervalSeconds: Double
        var dailyLimit: Int
        var staleAfterDays: Double
        var banPauseHours: Double
        var httpapiWaitSeconds: Double
        /// How long a Kometa-dialect request for a missing aid is held when it does not say (`mirror.client_wait_secs`).
        var clientWaitSeconds: Double = 10
        var memoryCacheMegabytes: Int
        /// AniDB's image CDN and its own daily budget (posters), apart from the API's.
        var imageURL: String
        var imageDailyLimit: Int
        /// The community mapping files, downloaded once a day (`mirror.mapping_url`, `mirror.ids_url`); empty: never.
        var mappingURL: String = ""
        var idsURL: String = ""
        /// The shared PostgreSQL database of a cluster (`mirror.database_url`); nil: this machine's SQLite only.
        var database: PostgresAddress? = nil
        /// A client's request waits this long for that database, then gets 503 (`mirror.database_timeout_secs`).
        var databaseTimeoutSeconds: Double = 10

        func fetcherSettings(dataDirectory: String) -> FetcherSettings {
            FetcherSettings(
                baseURL: baseURL,
                titlesURL: titlesURL,
                client: client,
                clientVersion: clientVersion,
                username: username,
                password: password,
                limits: UpstreamLimits(
                    minInterval: minIntervalSeconds,
                    dailyLimit: dailyLimit,
                    banPause: banPauseHours * 3600,
                    staleAfter: staleAfterDays * 86_400
                ),
                dataDirectory: dataDirectory
            )
        }
    }

    var server: Server
    var dataDir: String
    /// The web UI's static files.
    var webDir: String
    var mirror: Mirror
    var mediaDirs: [String]
    var library: LibraryEventSettings
    var sonarr: ArrSettings?
    /// AniList list sync.
    var listSync = ListSyncSettings()
    var radarr: ArrSettings?
    var minConfidence: Double
    var hls: HLS
    var alerts: AlertSettings

    struct HLS: Sendable {
        var segmentSeconds: Double
        var maxSessions: Int
        var prefetchSegments: Int
        var transcodeHeight: Int
        var transcodePreset: String
        var startPreset: String
        var transcodeCRF: Int
        var cacheMegabytes: Int
        var idleSeconds: Double
        var tokenHours: Double
        var ffmpeg: String

        var streamSettings: StreamSettings {
            StreamSettings(
                segmentSeconds: segmentSeconds,
                maxTranscodes: maxSessions,
                prefetchSegments: prefetchSegments,
                transcodeHeight: transcodeHeight,
                idleSeconds: idleSeconds,
                transcode: TranscodeArguments(preset: transcodePreset, startPreset: startPreset, crf: transcodeCRF)
            )
        }
    }

    init(reader: ConfigReader) throws {
        let bind = reader.string("server.bind")
        guard let (host, port) = Self.splitHostPort(bind) else {
            throw reader.invalid("server.bind", "expected HOST:PORT (e.g. 127.0.0.1:8080), got '\(bind)'")
        }
        server = Server(
            host: host,
            port: port,
            username: reader.string("server.username"),
            password: reader.string("server.password"),
            limits: ConnectionLimits(
                headTimeout: reader.double("server.head_timeout_secs"),
                idleTimeout: reader.double("server.idle_timeout_secs"),
                bodyTimeout: reader.double("server.head_timeout_secs"),
                maxConnections: reader.int("server.max_connections"),
                maxHeadBytes: reader.int("server.max_head_kb") * 1024
            ),
            access: AccessSettings(
                publicURL: reader.string("server.public_url"),
                sessionLifetime: reader.double("server.session_days") * 86_400,
                anonymousMirror: reader.bool("server.anonymous_mirror"),
                anonymousRatePerSecond: reader.double("server.anonymous_rate_per_sec"),
                anonymousBurst: reader.int("server.anonymous_burst"),
                signInFailureLimit: reader.int("server.signin_failure_limit"),
                signInWindow: reader.double("server.signin_window_mins") * 60
            )
        )
        server.firstAdminName = reader.string("admin.name")
        server.firstAdminPasswordFile = reader.string("admin.password_file")
        for (position, extra) in reader.strings("server.extra_binds").enumerated() {
            guard let (extraHost, extraPort) = Self.splitHostPort(extra), extraPort > 0 else {
                throw reader.invalid("server.extra_binds", "item \(position + 1): expected HOST:PORT (e.g. 0.0.0.0:9001), got '\(extra)'")
            }
            guard !(extraHost == host && extraPort == port), !server.extraBinds.contains(where: { $0 == (extraHost, extraPort) }) else {
                throw reader.invalid("server.extra_binds", "\(extra) is listed twice (server.bind counts too)")
            }
            server.extraBinds.append((extraHost, extraPort))
        }
        let publicURL = server.access.publicURL
        if !publicURL.isEmpty {
            guard let url = URL(string: publicURL), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
                throw reader.invalid("server.public_url", "expected the http(s) address people reach the server at, got '\(publicURL)'")
            }
        }
        server.stopTimeoutSeconds = reader.double("server.stop_timeout_secs")
        guard (1...600).contains(server.stopTimeoutSeconds) else { throw reader.invalid("server.stop_timeout_secs", "must be 1 to 600") }
        let allowedHosts = reader.strings("server.allowed_hosts")
        for (position, name) in allowedHosts.enumerated() where ServerNames.host(of: name) == nil || name.contains("/") {
            throw reader.invalid("server.allowed_hosts", "item \(position + 1): expected a host name such as anime.home.lan, got '\(name)'")
        }
        server.access.names = ServerNames(
            bindHosts: [host] + server.extraBinds.map(\.host),
            publicURL: publicURL,
            allowedHosts: allowedHosts.compactMap(ServerNames.host(of:))
        )
        switch TrustedProxies.parse(reader.strings("server.trusted_proxies")) {
        case .success(let proxies): server.access.trustedProxies = proxies
        case .failure(let error):
            throw reader.invalid("server.trusted_proxies", "expected an address or a range such as 10.0.0.0/8, got '\(error.entry)'")
        }
        guard (1.0 / 24...3650).contains(server.access.sessionLifetime / 86_400) else {
            throw reader.invalid("server.session_days", "must be 1/24 (an hour) to 3650")
        }
        guard (0.1...100_000).contains(server.access.anonymousRatePerSecond) else {
            throw reader.invalid("server.anonymous_rate_per_sec", "must be 0.1 to 100000")
        }
        guard (1...1_000_000).contains(server.access.anonymousBurst) else {
            throw reader.invalid("server.anonymous_burst", "must be 1 to 1000000")
        }
        guard (1...1_000_000).contains(server.access.signInFailureLimit) else {
            throw reader.invalid("server.signin_failure_limit", "must be 1 to 1000000")
        }
        guard (1...1440).contains(server.access.signInWindow / 60) else {
            throw reader.invalid("server.signin_window_mins", "must be 1 to 1440")
        }
        guard (1...3600).contains(server.limits.headTimeout) else {
            throw reader.invalid("server.head_timeout_secs", "must be 1 to 3600")
        }
        guard (1...86400).contains(server.limits.idleTimeout) else {
            throw reader.invalid("server.idle_timeout_secs", "must be 1 to 86400")
        }
        guard (16...1_000_000).contains(server.limits.maxConnections) else {
            throw reader.invalid("server.max_connections", "must be 16 to 1000000")
        }
        guard (4...1024).contains(server.limits.maxHeadBytes / 1024) else {
            throw reader.invalid("server.max_head_kb", "must be 4 to 1024")
        }
        dataDir = reader.string("storage.data_dir")
        webDir = WebDirectory.resolve(reader.string("server.web_dir"), origin: reader.origin("server.web_dir"))
        guard !dataDir.isEmpty else { throw reader.invalid("storage.data_dir", "must not be empty") }
        mirror = Mirror(
            seedDir: reader.string("mirror.seed_dir"),
            baseURL: reader.string("mirror.base_url"),
            titlesURL: reader.string("mirror.titles_url"),
            client: reader.string("mirror.client"),
            clientVersion: reader.string("mirror.clientver"),
            username: reader.string("mirror.username"),
            password: reader.string("mirror.password"),
            minIntervalSeconds: reader.double("mirror.min_interval_secs"),
            dailyLimit: reader.int("mirror.daily_limit"),
            staleAfterDays: reader.double("mirror.stale_after_days"),
            banPauseHours: reader.double("mirror.ban_pause_hours"),
            httpapiWaitSeconds: reader.double("mirror.httpapi_wait_secs"),
            clientWaitSeconds: reader.double("mirror.client_wait_secs"),
            memoryCacheMegabytes: Self.memoryCache(reader.int("mirror.memory_cache_mb")),
            imageURL: reader.string("mirror.image_url"),
            imageDailyLimit: reader.int("mirror.image_daily_limit")
        )
        guard (0...100_000).contains(mirror.imageDailyLimit) else {
            throw reader.invalid("mirror.image_daily_limit", "must be 0 to 100000")
        }
        // AniDB's rules are hard limits: a configuration may be stricter, never looser.
        guard mirror.minIntervalSeconds >= 4 else { throw reader.invalid("mirror.min_interval_secs", "must be at least 4") }
        guard (1...200).contains(mirror.dailyLimit) else { throw reader.invalid("mirror.daily_limit", "must be 1 to 200") }
        guard mirror.staleAfterDays >= 1 else { throw reader.invalid("mirror.stale_after_days", "must be at least 1") }
        guard mirror.banPauseHours >= 1 else { throw reader.invalid("mirror.ban_pause_hours", "must be at least 1") }
        guard (0...60).contains(mirror.clientWaitSeconds) else {
            throw reader.invalid("mirror.client_wait_secs", "must be 0 to 60")
        }
        mirror.mappingURL = reader.string("mirror.mapping_url")
        mirror.idsURL = reader.string("mirror.ids_url")
        for key in ["mirror.mapping_url", "mirror.ids_url"] {
            let url = reader.string(key)
            guard url.isEmpty || URL(string: url).map({ ["http", "https"].contains($0.scheme ?? "") && $0.host != nil }) == true else {
                throw reader.invalid(key, "expected an http(s) URL or nothing, got '\(url)'")
            }
        }
        mirror.databaseTimeoutSeconds = reader.double("mirror.database_timeout_secs")
        guard (0.1...300).contains(mirror.databaseTimeoutSeconds) else {
            throw reader.invalid("mirror.database_timeout_secs", "must be 0.1 to 300")
        }
        let databaseURL = reader.string("mirror.database_url")
        if !databaseURL.isEmpty {
            do { mirror.database = try PostgresAddress(url: databaseURL) } catch {
                throw reader.invalid("mirror.database_url", error.description)
            }
        }
        guard (0...600).contains(mirror.httpapiWaitSeconds) else {
            throw reader.invalid("mirror.httpapi_wait_secs", "must be 0 to 600")
        }
        var isDirectory: ObjCBool = false
        if !mirror.seedDir.isEmpty,
            !(FileManager.default.fileExists(atPath: mirror.seedDir, isDirectory: &isDirectory) && isDirectory.boolValue)
        {
            throw reader.invalid("mirror.seed_dir", "\(mirror.seedDir) is not a folder")
        }
        guard (0...1_048_576).contains(mirror.memoryCacheMegabytes) else {
            throw reader.invalid("mirror.memory_cache_mb", "must be auto or 0 to 1048576")
        }
        for key in ["mirror.base_url", "mirror.titles_url"] {
            let url = reader.string(key)
            guard let parsed = URL(string: url), ["http", "https"].contains(parsed.scheme ?? ""), parsed.host != nil else {
                throw reader.invalid(key, "expected an http(s) URL, got '\(url)'")
            }
        }
        mediaDirs = reader.strings("library.media_dirs")
        library = try LibraryEventSettings(reader)
        sonarr = try ArrSettings(reader, section: "sonarr")
        radarr = try ArrSettings(reader, section: "radarr")
        listSync = try ListSyncSettings(reader)
        minConfidence = reader.double("matcher.min_confidence")
        guard (0...1).contains(minConfidence) else { throw reader.invalid("matcher.min_confidence", "must be 0 to 1") }
        hls = HLS(
            segmentSeconds: reader.double("hls.segment_secs"),
            maxSessions: reader.int("hls.max_sessions"),
            prefetchSegments: reader.int("hls.prefetch_segments"),
            transcodeHeight: reader.int("hls.transcode_height"),
            transcodePreset: reader.string("hls.transcode_preset"),
            startPreset: reader.string("hls.start_preset"),
            transcodeCRF: reader.int("hls.transcode_crf"),
            cacheMegabytes: reader.int("hls.cache_mb"),
            idleSeconds: reader.double("hls.idle_secs"),
            tokenHours: reader.double("hls.token_hours"),
            ffmpeg: reader.string("hls.ffmpeg")
        )
        guard (1...60).contains(hls.segmentSeconds) else { throw reader.invalid("hls.segment_secs", "must be 1 to 60") }
        guard (0...64).contains(hls.maxSessions) else { throw reader.invalid("hls.max_sessions", "must be 0 to 64") }
        guard (0...20).contains(hls.prefetchSegments) else { throw reader.invalid("hls.prefetch_segments", "must be 0 to 20") }
        guard (144...4320).contains(hls.transcodeHeight) else {
            throw reader.invalid("hls.transcode_height", "must be 144 to 4320")
        }
        let presets = ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow", "slower", "veryslow"]
        for (key, preset) in [("hls.transcode_preset", hls.transcodePreset), ("hls.start_preset", hls.startPreset)]
        where !presets.contains(preset) {
            throw reader.invalid(key, "must be one of \(presets.joined(separator: ", "))")
        }
        guard (0...51).contains(hls.transcodeCRF) else { throw reader.invalid("hls.transcode_crf", "must be 0 to 51") }
        guard hls.cacheMegabytes >= 64 else { throw reader.invalid("hls.cache_mb", "must be at least 64") }
        guard (5...86400).contains(hls.idleSeconds) else { throw reader.invalid("hls.idle_secs", "must be 5 to 86400") }
        guard (0.1...720).contains(hls.tokenHours) else { throw reader.invalid("hls.token_hours", "must be 0.1 to 720") }
        guard !hls.ffmpeg.isEmpty else { throw reader.invalid("hls.ffmpeg", "must name the ffmpeg program") }
        alerts = try Self.alerts(reader)
        // Security by default: the old shared credential may still create the first admin, but on the network only
        // with a password that is a real secret. (Without any admin user, `serve` refuses a public bind at start.)
        if !server.isLoopback, !server.username.isEmpty || !server.password.isEmpty,
            server.username.isEmpty || server.password.count < Server.minimumPublicPasswordLength
        {
            throw reader.invalid(
                "server.bind",
                "\(server.listeners) is not only loopback addresses and server.username/server.password are not a real secret: "
                    + "use a password of at least \(Server.minimumPublicPasswordLength) characters, or remove them and add "
                    + "an admin user with `anikura user add NAME --role admin`"
            )
        }
    }

    static func alerts(_ reader: ConfigReader) throws -> AlertSettings {
        let urls = reader.strings("alerts.webhook_urls")
        for (position, url) in urls.enumerated() where !AlertSettings.isValid(url) {
            throw reader.invalid("alerts.webhook_urls", "item \(position + 1) is not an http or https URL")
        }
        let formatName = reader.string("alerts.format")
        guard let format = AlertFormat(rawValue: formatName) else {
            throw reader.invalid("alerts.format", "must be one of \(AlertFormat.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let settings = AlertSettings(
            webhookURLs: urls,
            format: format,
            repeatSeconds: reader.double("alerts.repeat_mins") * 60,
            checkSeconds: reader.double("alerts.check_secs"),
            retrySeconds: reader.double("alerts.retry_secs")
        )
        guard (0...10080).contains(settings.repeatSeconds / 60) else { throw reader.invalid("alerts.repeat_mins", "must be 0 to 10080") }
        guard (0.05...3600).contains(settings.checkSeconds) else { throw reader.invalid("alerts.check_secs", "must be 0.05 to 3600") }
        guard (0.05...3600).contains(settings.retrySeconds) else { throw reader.invalid("alerts.retry_secs", "must be 0.05 to 3600") }
        return settings
    }

    var segmentCachePath: String { (dataDir as NSString).appendingPathComponent("hls") }
    var databasePath: String { (dataDir as NSString).appendingPathComponent("anikura.sqlite") }

    static func splitHostPort(_ text: String) -> (String, Int)? {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("["), let close = text.firstIndex(of: "]") {  // [::1]:8080
            host = text[text.index(after: text.startIndex)..<close]
            let rest = text[text.index(after: close)...]
            guard rest.hasPrefix(":") else { return nil }
            portText = rest.dropFirst()
        } else {
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].contains(":") else { return nil }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard !host.isEmpty, let port = Int(portText), (0...65_535).contains(port) else { return nil }
        return (String(host), port)
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    /// `auto` (-1): an eighth of the machine's memory, between 64 MiB and 4 GiB. A whole AniDB mirror's documents
    /// (about 1.4 GB for 20,000 anime) then stay in memory on a machine with 12 GiB or more; smaller machines keep
    /// the hottest.
    static func memoryCache(_ configured: Int) -> Int {
        guard configured == -1 else { return configured }
        let eighth = Int(ProcessInfo.processInfo.physicalMemory / 8) >> 20
        return min(max(eighth, 64), 4096)
    }
}
