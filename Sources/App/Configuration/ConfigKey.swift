import Foundation
import TOMLKit

/// One setting: its `section.key` name, type and default. `config.toml` documents each in place.
struct ConfigKey: Sendable {
    enum Kind: Sendable {
        case string, int, double, bool, strings
        /// An integer, or `"auto"` (read as -1) for a size the app works out from the machine.
        case intOrAuto
        /// A table of strings to strings (`[library.path_map]`, `"/tv/anime" = "/media/anime"`).
        case table
    }

    var name: String
    var kind: Kind
    var defaultValue: ConfigReader.Value

    var environmentVariable: String {
        "ANIKURA_" + name.uppercased().replacingOccurrences(of: ".", with: "_")
    }

    static let all: [ConfigKey] = [
        .init(name: "server.bind", kind: .string, defaultValue: .string("127.0.0.1:8080")),
        .init(name: "server.extra_binds", kind: .strings, defaultValue: .strings([])),
        .init(name: "server.username", kind: .string, defaultValue: .string("")),
        .init(name: "server.password", kind: .string, defaultValue: .string("")),
        .init(name: "server.head_timeout_secs", kind: .double, defaultValue: .double(30)),
        .init(name: "server.idle_timeout_secs", kind: .double, defaultValue: .double(120)),
        .init(name: "server.max_connections", kind: .int, defaultValue: .int(4096)),
        .init(name: "server.max_head_kb", kind: .int, defaultValue: .int(32)),
        .init(name: "server.public_url", kind: .string, defaultValue: .string("")),
        .init(name: "server.allowed_hosts", kind: .strings, defaultValue: .strings([])),
        .init(name: "server.trusted_proxies", kind: .strings, defaultValue: .strings([])),
        .init(name: "server.stop_timeout_secs", kind: .double, defaultValue: .double(5)),
        .init(name: "admin.name", kind: .string, defaultValue: .string("admin")),
        .init(name: "admin.password_file", kind: .string, defaultValue: .string("")),
        .init(name: "server.session_days", kind: .double, defaultValue: .double(30)),
        .init(name: "server.anonymous_mirror", kind: .bool, defaultValue: .bool(true)),
        .init(name: "server.anonymous_rate_per_sec", kind: .double, defaultValue: .double(50)),
        .init(name: "server.anonymous_burst", kind: .int, defaultValue: .int(200)),
        .init(name: "server.signin_failure_limit", kind: .int, defaultValue: .int(10)),
        .init(name: "server.signin_window_mins", kind: .double, defaultValue: .double(15)),
        .init(name: "storage.data_dir", kind: .string, defaultValue: .string("./data")),
        .init(name: "server.web_dir", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.seed_dir", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.base_url", kind: .string, defaultValue: .string("http://api.anidb.net:9001/httpapi")),
        .init(name: "mirror.image_url", kind: .string, defaultValue: .string("https://cdn.anidb.net/images/main/")),
        .init(name: "mirror.image_daily_limit", kind: .int, defaultValue: .int(2000)),
        .init(name: "mirror.titles_url", kind: .string, defaultValue: .string("https://anidb.net/api/anime-titles.xml.gz")),
        .init(
            name: "mirror.mapping_url",
            kind: .string,
            defaultValue: .string("https://raw.githubusercontent.com/Anime-Lists/anime-lists/master/anime-list-master.xml")
        ),
        .init(
            name: "mirror.ids_url",
            kind: .string,
            defaultValue: .string("https://raw.githubusercontent.com/Kometa-Team/Anime-IDs/master/anime_ids.json")
        ),
        .init(name: "mirror.client", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.clientver", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.username", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.password", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.min_interval_secs", kind: .double, defaultValue: .double(4)),
        .init(name: "mirror.daily_limit", kind: .int, defaultValue: .int(200)),
        .init(name: "mirror.stale_after_days", kind: .double, defaultValue: .double(7)),
        .init(name: "mirror.ban_pause_hours", kind: .double, defaultValue: .double(24)),
        .init(name: "mirror.httpapi_wait_secs", kind: .double, defaultValue: .double(30)),
        .init(name: "mirror.client_wait_secs", kind: .double, defaultValue: .double(10)),
        .init(name: "mirror.memory_cache_mb", kind: .intOrAuto, defaultValue: .int(-1)),
        .init(name: "mirror.database_url", kind: .string, defaultValue: .string("")),
        .init(name: "mirror.database_timeout_secs", kind: .double, defaultValue: .double(10)),
        .init(name: "library.media_dirs", kind: .strings, defaultValue: .strings([])),
        .init(name: "library.watch", kind: .bool, defaultValue: .bool(true)),
        .init(name: "library.watch_settle_secs", kind: .double, defaultValue: .double(2)),
        .init(name: "library.rescan_mins", kind: .double, defaultValue: .double(60)),
        .init(name: "library.disk_timeout_secs", kind: .double, defaultValue: .double(20)),
        .init(name: "library.path_map", kind: .table, defaultValue: .table([:])),
        .init(name: "sonarr.url", kind: .string, defaultValue: .string("")),
        .init(name: "sonarr.api_key", kind: .string, defaultValue: .string("")),
        .init(name: "sonarr.root_folder", kind: .string, defaultValue: .string("")),
        .init(name: "sonarr.quality_profile", kind: .string, defaultValue: .string("")),
        .init(name: "radarr.url", kind: .string, defaultValue: .string("")),
        .init(name: "radarr.api_key", kind: .string, defaultValue: .string("")),
        .init(name: "radarr.root_folder", kind: .string, defaultValue: .string("")),
        .init(name: "radarr.quality_profile", kind: .string, defaultValue: .string("")),
        .init(name: "anilist.api_url", kind: .string, defaultValue: .string("https://graphql.anilist.co")),
        .init(name: "anilist.requests_per_minute", kind: .int, defaultValue: .int(90)),
        .init(name: "mal.client_id", kind: .string, defaultValue: .string("")),
        .init(name: "mal.client_secret", kind: .string, defaultValue: .string("")),
        .init(name: "mal.api_url", kind: .string, defaultValue: .string("https://api.myanimelist.net/v2")),
        .init(name: "mal.auth_url", kind: .string, defaultValue: .string("https://myanimelist.net/v1/oauth2")),
        .init(name: "matcher.min_confidence", kind: .double, defaultValue: .double(0.8)),
        .init(name: "hls.segment_secs", kind: .double, defaultValue: .double(6)),
        .init(name: "hls.max_sessions", kind: .int, defaultValue: .int(2)),
        .init(name: "hls.prefetch_segments", kind: .int, defaultValue: .int(3)),
        .init(name: "hls.transcode_height", kind: .int, defaultValue: .int(720)),
        .init(name: "hls.transcode_preset", kind: .string, defaultValue: .string("veryfast")),
        .init(name: "hls.start_preset", kind: .string, defaultValue: .string("ultrafast")),
        .init(name: "hls.transcode_crf", kind: .int, defaultValue: .int(22)),
        .init(name: "hls.cache_mb", kind: .int, defaultValue: .int(4096)),
        .init(name: "hls.idle_secs", kind: .double, defaultValue: .double(60)),
        .init(name: "hls.token_hours", kind: .double, defaultValue: .double(12)),
        .init(name: "hls.ffmpeg", kind: .string, defaultValue: .string("ffmpeg")),
        .init(name: "alerts.webhook_urls", kind: .strings, defaultValue: .strings([])),
        .init(name: "alerts.format", kind: .string, defaultValue: .string("json")),
        .init(name: "alerts.repeat_mins", kind: .double, defaultValue: .double(60)),
        .init(name: "alerts.check_secs", kind: .double, defaultValue: .double(15)),
        .init(name: "alerts.retry_secs", kind: .double, defaultValue: .double(5)),
    ]

    func convert(_ value: any TOMLValueConvertible, origin: String) throws -> ConfigReader.Value {
        switch kind {
        case .string:
            if let string = value.string { return .string(string) }
        case .int:
            if let int = value.int { return .int(int) }
        case .intOrAuto:
            if let int = value.int { return .int(int) }
            if value.string == "auto" { return .int(-1) }
        case .double:
            if let double = value.double { return .double(double) }
            if let int = value.int { return .double(Double(int)) }
        case .bool:
            if let bool = value.bool { return .bool(bool) }
        case .table:
            if let table = value.table {
                var pairs: [String: String] = [:]
                for (key, item) in table {
                    guard let string = item.string else { break }
                    pairs[key] = string
                }
                if pairs.count == table.count { return .table(pairs) }
            }
        case .strings:
            if let array = value.array {
                var items: [String] = []
                for item in array {
                    guard let string = item.string else { break }
                    items.append(string)
                }
                if items.count == array.count { return .strings(items) }
            }
        }
        throw ConfigReader.Error(description: "config: \(name) (from \(origin)): expected \(expected)")
    }

    func parse(environment raw: String, origin: String) throws -> ConfigReader.Value {
        let trimmed = raw.trimmingCharacters(in: .whitespaces)
        switch kind {
        case .string: return .string(raw)
        case .int:
            if let int = Int(trimmed) { return .int(int) }
        case .intOrAuto:
            if trimmed == "auto" { return .int(-1) }
            if let int = Int(trimmed) { return .int(int) }
        case .double:
            if let double = Double(trimmed), double.isFinite { return .double(double) }
        case .bool:
            switch trimmed.lowercased() {
            case "true", "1", "yes", "on": return .bool(true)
            case "false", "0", "no", "off": return .bool(false)
            default: break
            }
        case .table:
            // An inline TOML table: `{ "/tv/anime" = "/media/anime" }`.
            if let table = try? TOMLTable(string: "v = " + trimmed), let value = table["v"] {
                return try convert(value, origin: origin)
            }
        case .strings:
            // A TOML array (`["/a", "/b"]`) or a colon-separated list of paths.
            if trimmed.hasPrefix("[") {
                if let table = try? TOMLTable(string: "v = " + trimmed), let value = table["v"] {
                    return try convert(value, origin: origin)
                }
            } else {
                return .strings(trimmed.isEmpty ? [] : trimmed.split(separator: ":").map(String.init))
            }
        }
        throw ConfigReader.Error(description: "config: \(name) (from \(origin)): expected \(expected), got '\(raw)'")
    }

    private var expected: String {
        switch kind {
        case .string: "a string"
        case .int: "an integer"
        case .intOrAuto: "an integer or \"auto\""
        case .double: "a number"
        case .bool: "true or false"
        case .strings: "a list of strings"
        case .table: "a table of strings (\"/their/path\" = \"/our/path\")"
        }
    }
}
