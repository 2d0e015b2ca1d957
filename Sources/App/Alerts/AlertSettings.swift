import Foundation

/// `[alerts]`: which webhooks hear what goes wrong, in which shape, and how often.
struct AlertSettings: Sendable {
    /// Empty: alerts are only logged.
    var webhookURLs: [String] = []
    var format: AlertFormat = .json
    /// One alert per kind within this many seconds (`alerts.repeat_mins`).
    var repeatSeconds: Double = 3600
    /// How often the mirror's state and the media folders are looked at (`alerts.check_secs`).
    var checkSeconds: Double = 15
    /// The first retry of a failed delivery waits this long, then twice as long each time (`alerts.retry_secs`).
    var retrySeconds: Double = 5
    /// Tries per delivery before it is given up (logged).
    var attempts = 8

    /// A webhook URL for logs: scheme and host only, since the rest often is the secret (Discord's and Gotify's tokens).
    static func redacted(_ url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host else {
            return "(invalid URL)"
        }
        return "\(scheme)://\(host)\(components.port.map { ":\($0)" } ?? "")/…"
    }

    /// Checks a URL from the configuration: http or https with a host.
    static func isValid(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            ["http", "https"].contains(scheme), let host = components.host, !host.isEmpty
        else { return false }
        return true
    }
}
