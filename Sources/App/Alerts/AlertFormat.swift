import Foundation
import Mirror

/// The body a webhook receives, in the shape its service expects.
enum AlertFormat: String, Sendable, CaseIterable {
    /// `{"event", "message", "time", "instance", "details"}`: for scripts, Home Assistant, n8n.
    case json
    /// A Discord webhook: `{"username", "content"}`.
    case discord
    /// Slack's incoming webhooks and the services that copy them (Mattermost, Rocket.Chat): `{"text"}`.
    case slack
    /// ntfy: the message as plain text, title, priority and tags in headers (POST to the topic's URL).
    case ntfy
    /// Gotify: `{"title", "message", "priority"}` (POST to `…/message?token=…`).
    case gotify

    struct Request: Sendable {
        var headers: [(String, String)]
        var body: [UInt8]
    }

    func request(for alert: Alert, instance: String) -> Request {
        let time = ISOTime.format(alert.time)
        let heading = "Anikura (\(instance)): \(alert.kind.title)"
        switch self {
        case .json:
            return Self.json([
                "event": alert.kind.rawValue, "message": alert.message, "time": time, "instance": instance,
                "details": alert.details,
            ])
        case .discord:
            let mark = alert.kind.isProblem ? "⚠️" : "✅"
            return Self.json(["username": "Anikura", "content": String("\(mark) **\(heading)**\n\(alert.message)".prefix(2000))])
        case .slack:
            let mark = alert.kind.isProblem ? ":warning:" : ":white_check_mark:"
            return Self.json(["text": "\(mark) *\(heading)*\n\(alert.message)"])
        case .ntfy:
            // Header values must be plain ASCII for ntfy; the title carries no message text.
            let title = heading.unicodeScalars.filter(\.isASCII).map(String.init).joined()
            return Request(
                headers: [
                    ("Content-Type", "text/plain; charset=utf-8"), ("Title", title),
                    ("Priority", alert.kind.isProblem ? "high" : "default"),
                    ("Tags", alert.kind.isProblem ? "warning,\(alert.kind.rawValue)" : "white_check_mark,\(alert.kind.rawValue)"),
                ],
                body: Array(alert.message.utf8)
            )
        case .gotify:
            return Self.json(["title": heading, "message": alert.message, "priority": alert.kind.isProblem ? 8 : 4])
        }
    }

    private static func json(_ object: [String: any Sendable]) -> Request {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data("{}".utf8)
        return Request(headers: [("Content-Type", "application/json")], body: Array(data))
    }
}
