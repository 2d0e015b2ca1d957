import Foundation
import Testing

@testable import App

@Suite("configuration")
struct ConfigurationTests {
    func load(_ toml: String?, _ environment: [String: String] = [:]) throws -> AppConfiguration {
        var path: String?
        if let toml {
            path = NSTemporaryDirectory() + "anikura-config-\(UUID().uuidString).toml"
            try toml.write(toFile: path!, atomically: true, encoding: .utf8)
        }
        defer { if let path { try? FileManager.default.removeItem(atPath: path) } }
        return try AppConfiguration(reader: ConfigReader.load(path: path, environment: environment, required: toml != nil))
    }

    func failure(_ toml: String?, _ environment: [String: String] = [:]) -> String? {
        do { _ = try load(toml, environment) } catch { return "\(error)" }
        return nil
    }

    @Test("defaults match DESIGN.md")
    func defaults() throws {
        let configuration = try load(nil)
        #expect(configuration.server.host == "127.0.0.1" && configuration.server.port == 8080)
        #expect(configuration.dataDir == "./data")
        #expect(configuration.mirror.seedDir == "")
        #expect(configuration.mirror.baseURL == "http://api.anidb.net:9001/httpapi")
        #expect(configuration.mirror.titlesURL == "https://anidb.net/api/anime-titles.xml.gz")
        #expect(configuration.mirror.minIntervalSeconds == 4)
        #expect(configuration.mirror.dailyLimit == 200)
        #expect(configuration.mirror.staleAfterDays == 7)
        #expect(configuration.mirror.banPauseHours == 24)
        #expect(configuration.mediaDirs == [])
        #expect(configuration.hls.segmentSeconds == 6)
    }

    @Test("the repository's config.toml is valid and states the defaults")
    func repositoryFile() throws {
        let path = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("config.toml").path
        let configuration = try AppConfiguration(reader: ConfigReader.load(path: path, environment: [:], required: true))
        #expect(configuration.mirror.dailyLimit == 200)
        #expect(configuration.server.port == 8080)
    }

    @Test("the file, then the environment, override defaults")
    func overrides() throws {
        let configuration = try load(
            """
            [mirror]
            daily_limit = 100
            stale_after_days = 14
            [library]
            media_dirs = ["/anime", "/more anime"]
            """,
            ["ANIKURA_MIRROR_DAILY_LIMIT": "50", "ANIKURA_STORAGE_DATA_DIR": "/srv/anikura"]
        )
        #expect(configuration.mirror.dailyLimit == 50)
        #expect(configuration.mirror.staleAfterDays == 14)
        #expect(configuration.mediaDirs == ["/anime", "/more anime"])
        #expect(configuration.dataDir == "/srv/anikura")
        let colonList = try load(nil, ["ANIKURA_LIBRARY_MEDIA_DIRS": "/a:/b"])
        #expect(colonList.mediaDirs == ["/a", "/b"])
        // The document cache: "auto" (the default) is an eighth of the machine's memory, within 64 MiB and 4 GiB.
        let eighth = Int(ProcessInfo.processInfo.physicalMemory / 8) >> 20
        #expect(try load(nil).mirror.memoryCacheMegabytes == min(max(eighth, 64), 4096))
        #expect(try load("[mirror]\nmemory_cache_mb = \"auto\"").mirror.memoryCacheMegabytes == min(max(eighth, 64), 4096))
        #expect(try load("[mirror]\nmemory_cache_mb = 300").mirror.memoryCacheMegabytes == 300)
        #expect(try load(nil, ["ANIKURA_MIRROR_MEMORY_CACHE_MB": "0"]).mirror.memoryCacheMegabytes == 0)
        #expect(failure(nil, ["ANIKURA_MIRROR_MEMORY_CACHE_MB": "lots"])?.contains("expected an integer or \"auto\"") == true)
        #expect(failure("[mirror]\nmemory_cache_mb = -5")?.contains("must be auto or 0 to 1048576") == true)
    }

    @Test("library events: watching, path mapping from the file and the environment, Sonarr and Radarr")
    func libraryEvents() throws {
        let defaults = try load(nil)
        #expect(defaults.library.watch && defaults.library.settleSeconds == 2 && defaults.library.rescanMinutes == 60)
        #expect(defaults.sonarr == nil && defaults.radarr == nil)
        let file = try load(
            """
            [library]
            watch = false
            [library.path_map]
            "/tv" = "/media/tv"
            "/tv/anime" = "/media/anime"
            "D:\\\\Anime" = "/srv/anime"
            [sonarr]
            url = "http://sonarr:8989/sonarr"
            api_key = "0123456789abcdef"
            quality_profile = "HD-1080p"
            """
        )
        #expect(!file.library.watch)
        #expect(file.library.pathMap.local("/tv/anime/Show/x.mkv") == "/media/anime/Show/x.mkv", "the longest prefix wins")
        #expect(file.library.pathMap.local("/tv/other/x.mkv") == "/media/tv/other/x.mkv")
        #expect(file.library.pathMap.local("/tvshows/x.mkv") == "/tvshows/x.mkv", "a prefix of a name is not a folder")
        #expect(file.library.pathMap.local(#"D:\Anime\Show\x.mkv"#) == "/srv/anime/Show/x.mkv")
        #expect(file.sonarr?.url.absoluteString == "http://sonarr:8989/sonarr" && file.sonarr?.qualityProfile == "HD-1080p")
        let environment = try load(nil, ["ANIKURA_LIBRARY_PATH_MAP": #"{ "/data" = "/media" }"#, "ANIKURA_LIBRARY_RESCAN_MINS": "0"])
        #expect(environment.library.pathMap.local("/data/x.mkv") == "/media/x.mkv" && environment.library.rescanMinutes == 0)
        #expect(failure("[library.path_map]\n\"/tv\" = \"media\"")?.contains("not an absolute path") == true)
        #expect(failure("[library.path_map]\n\"/tv\" = 3")?.contains("library.path_map") == true)
        #expect(failure(nil, ["ANIKURA_LIBRARY_PATH_MAP": "/a=/b"])?.contains("library.path_map") == true)
        #expect(failure("[sonarr]\nurl = \"http://sonarr:8989\"")?.contains("sonarr.api_key") == true)
        #expect(failure("[radarr]\nurl = \"radarr:7878\"\napi_key = \"x\"")?.contains("radarr.url") == true)
        #expect(failure("[library]\nwatch_settle_secs = 0")?.contains("library.watch_settle_secs") == true)
        #expect(failure("[library]\nrescan_mins = -1")?.contains("library.rescan_mins") == true)
        #expect(try load(nil, [:]).library.diskTimeoutSeconds == 20)
        #expect(try load(nil, ["ANIKURA_LIBRARY_DISK_TIMEOUT_SECS": "2.5"]).library.diskTimeoutSeconds == 2.5)
        #expect(failure("[library]\ndisk_timeout_secs = 0")?.contains("library.disk_timeout_secs") == true)
    }

    @Test("bad files and values stop start-up with one line naming the key")
    func errors() throws {
        #expect(failure("[mirror]\ndaily_limt = 3")?.hasSuffix("unknown key mirror.daily_limt") == true)
        #expect(failure("[mirror]\ndaily_limit = \"many\"")?.contains("mirror.daily_limit") == true)
        #expect(failure("[mirror\n")?.hasPrefix("config:") == true)
        #expect(failure(nil, ["ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "0"])?.contains("mirror.database_timeout_secs") == true)
        #expect(failure(nil, ["ANIKURA_MIRROR_DATABASE_TIMEOUT_SECS": "soon"])?.contains("mirror.database_timeout_secs") == true)
        #expect(failure("[admin]\npassword_file = 3")?.contains("admin.password_file") == true)
        #expect(failure(nil, ["ANIKURA_ALERTS_CHECK_SECS": "0"])?.contains("alerts.check_secs") == true)
        // The names an open install answers to, the proxies believed, and the stop's deadline (issue 30).
        #expect(failure("[server]\nallowed_hosts = [\"http://anime.lan/\"]")?.contains("server.allowed_hosts") == true)
        #expect(failure("[server]\nallowed_hosts = \"anime.lan\"")?.contains("server.allowed_hosts") == true)
        #expect(failure("[server]\ntrusted_proxies = [\"10.0.0.0/40\"]")?.contains("server.trusted_proxies") == true)
        #expect(failure("[server]\ntrusted_proxies = [\"proxy.lan\"]")?.contains("'proxy.lan'") == true)
        #expect(failure(nil, ["ANIKURA_SERVER_STOP_TIMEOUT_SECS": "0"])?.contains("server.stop_timeout_secs") == true)
        #expect(failure(nil, ["ANIKURA_SERVER_STOP_TIMEOUT_SECS": "never"])?.contains("server.stop_timeout_secs") == true)
        let good = try load("[server]\nallowed_hosts = [\"Anime.LAN\", \"[fd00::1]\"]\ntrusted_proxies = [\"10.0.0.0/8\", \"::1\"]")
        #expect(good.server.access.names.contains(authority: "anime.lan:8080") && good.server.access.names.contains(authority: "[fd00::1]"))
        #expect(good.server.access.trustedProxies.isTrusted("10.9.8.7") && !good.server.access.trustedProxies.isTrusted("11.0.0.1"))
        #expect(
            failure(nil, ["ANIKURA_MIRROR_DAILY_LIMIT": "lots"])
                == "config: mirror.daily_limit (from ANIKURA_MIRROR_DAILY_LIMIT): expected an integer, got 'lots'"
        )
        #expect(
            failure(nil, ["ANIKURA_MIRROR_DAILY_LIMIT": "500"]) == "config: mirror.daily_limit (from ANIKURA_MIRROR_DAILY_LIMIT): must be 1 to 200"
        )
        #expect(failure(nil, ["ANIKURA_MIRROR_MIN_INTERVAL_SECS": "1"])?.contains("mirror.min_interval_secs") == true)
        #expect(failure(nil, ["ANIKURA_SERVER_BIND": "localhost"])?.contains("server.bind") == true)
        #expect(failure(nil, ["ANIKURA_MIRROR_BASE_URL": "ftp://x"])?.contains("mirror.base_url") == true)
        #expect(failure(nil, ["ANIKURA_MIRROR_SEED_DIR": "/nonexistent/seed"])?.contains("mirror.seed_dir") == true)
        for failure in [failure("[mirror]\ndaily_limit = \"many\""), failure(nil, ["ANIKURA_MIRROR_DAILY_LIMIT": "lots"])] {
            #expect(failure?.contains("\n") == false)
        }
    }

    @Test("a public address: the old shared credential must be a real secret; users are checked at start")
    func publicBind() throws {
        // With no credentials in the file, `serve` decides at start (it needs an admin user: AccessPolicyTests).
        #expect(try load(nil, ["ANIKURA_SERVER_BIND": "0.0.0.0:8080"]).server.isLoopback == false)
        let configuration = try load(
            nil,
            [
                "ANIKURA_SERVER_BIND": "0.0.0.0:8080", "ANIKURA_SERVER_USERNAME": "u",
                "ANIKURA_SERVER_PASSWORD": "correct horse battery",
            ]
        )
        #expect(configuration.server.username == "u")
        // A user name alone, a password alone, or a short password is not a secret.
        for environment in [
            ["ANIKURA_SERVER_USERNAME": "admin"],
            ["ANIKURA_SERVER_USERNAME": "admin", "ANIKURA_SERVER_PASSWORD": ""],
            ["ANIKURA_SERVER_PASSWORD": "correct horse battery"],
            ["ANIKURA_SERVER_USERNAME": "admin", "ANIKURA_SERVER_PASSWORD": "short"],
        ] {
            let refused = failure(nil, environment.merging(["ANIKURA_SERVER_BIND": "0.0.0.0:8080"]) { $1 })
            #expect(refused?.contains("at least 12 characters") == true, "\(environment)")
        }
        let ipv6 = try load(nil, ["ANIKURA_SERVER_BIND": "[::1]:9000"])
        #expect(ipv6.server.host == "::1")
        let named = try load(nil, ["ANIKURA_SERVER_BIND": "localhost:9000"])
        #expect(named.server.port == 9000)
    }

    @Test("access settings: defaults, booleans from the environment, and clear refusals")
    func accessSettings() throws {
        let defaults = try load(nil, [:]).server.access
        #expect(defaults.anonymousMirror && defaults.anonymousRatePerSecond == 50 && defaults.anonymousBurst == 200)
        #expect(defaults.sessionLifetime == 30 * 86_400 && defaults.signInFailureLimit == 10 && defaults.signInWindow == 900)
        #expect(!defaults.secureCookies)
        #expect(try load(nil, ["ANIKURA_SERVER_ANONYMOUS_MIRROR": "false"]).server.access.anonymousMirror == false)
        #expect(try load(nil, ["ANIKURA_SERVER_PUBLIC_URL": "https://anime.example.org"]).server.access.secureCookies)
        #expect(failure(nil, ["ANIKURA_SERVER_ANONYMOUS_MIRROR": "maybe"])?.contains("expected true or false") == true)
        #expect(failure(nil, ["ANIKURA_SERVER_PUBLIC_URL": "anime.example.org"])?.contains("server.public_url") == true)
        #expect(failure(nil, ["ANIKURA_SERVER_SESSION_DAYS": "0"])?.contains("server.session_days") == true)
    }

    @Test("secrets never appear in configuration errors")
    func secrets() {
        let message = failure(nil, ["ANIKURA_MIRROR_PASSWORD": "hunter2", "ANIKURA_MIRROR_DAILY_LIMIT": "x"]) ?? ""
        #expect(!message.contains("hunter2"))
    }
}
