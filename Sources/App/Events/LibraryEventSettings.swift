import Foundation

/// `[library]`'s settings for files that arrive without a scan: watching, the periodic rescan, path mapping.
struct LibraryEventSettings: Sendable, Equatable {
    /// `library.watch`: inotify on every media folder.
    var watch = true
    /// `library.watch_settle_secs`: a burst of changes is rescanned this long after the last of them.
    var settleSeconds = 2.0
    /// `library.rescan_mins`: a whole scan this often (0: never), for folders inotify cannot see (network mounts).
    var rescanMinutes = 60.0
    /// `library.disk_timeout_secs`: how long a request waits for a media folder that does not answer (a dead network
    /// mount) before it is told so; see `MountGuard`.
    var diskTimeoutSeconds = 20.0
    var pathMap = PathMap([:])

    init() {}

    init(_ reader: ConfigReader) throws {
        watch = reader.bool("library.watch")
        settleSeconds = reader.double("library.watch_settle_secs")
        guard (0.05...600).contains(settleSeconds) else { throw reader.invalid("library.watch_settle_secs", "must be 0.05 to 600") }
        rescanMinutes = reader.double("library.rescan_mins")
        guard (0...10_080).contains(rescanMinutes) else { throw reader.invalid("library.rescan_mins", "must be 0 (off) to 10080") }
        diskTimeoutSeconds = reader.double("library.disk_timeout_secs")
        guard (0.5...600).contains(diskTimeoutSeconds) else { throw reader.invalid("library.disk_timeout_secs", "must be 0.5 to 600") }
        let table = reader.table("library.path_map")
        for (theirs, ours) in table {
            guard !theirs.isEmpty, !ours.isEmpty else { throw reader.invalid("library.path_map", "a path is empty") }
            guard ours.hasPrefix("/") else {
                throw reader.invalid("library.path_map", "\"\(theirs)\" maps to \"\(ours)\", which is not an absolute path")
            }
        }
        pathMap = PathMap(table)
    }
}

/// `[sonarr]` or `[radarr]`: where to hand a missing anime, with which key, into which root folder and profile.
struct ArrSettings: Sendable, Equatable {
    var url: URL
    var apiKey: String
    /// Empty: the program's first root folder.
    var rootFolder: String
    /// A profile's name or id; empty: the program's first profile.
    var qualityProfile: String

    /// Nil when the section's `url` is empty (not set up).
    init?(_ reader: ConfigReader, section: String) throws {
        let text = reader.string("\(section).url")
        guard !text.isEmpty else { return nil }
        guard let url = URL(string: text), ["http", "https"].contains(url.scheme ?? ""), url.host != nil else {
            throw reader.invalid("\(section).url", "expected an http(s) URL, got '\(text)'")
        }
        let key = reader.string("\(section).api_key")
        guard !key.isEmpty else {
            throw reader.invalid("\(section).api_key", "is empty: copy it from \(section.capitalized)'s Settings → General")
        }
        self.url = url
        self.apiKey = key
        self.rootFolder = reader.string("\(section).root_folder")
        self.qualityProfile = reader.string("\(section).quality_profile")
    }

    init(url: URL, apiKey: String, rootFolder: String = "", qualityProfile: String = "") {
        self.url = url
        self.apiKey = apiKey
        self.rootFolder = rootFolder
        self.qualityProfile = qualityProfile
    }
}
