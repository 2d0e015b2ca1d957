import Foundation

/// Unix seconds as ISO 8601 UTC text (`2026-11-22T03:04:05Z`), for logs and JSON.
public enum ISOTime {
    public static func format(_ time: Double) -> String {
        guard time.isFinite else { return "never" }
        return Date(timeIntervalSince1970: time).formatted(.iso8601)
    }
}
