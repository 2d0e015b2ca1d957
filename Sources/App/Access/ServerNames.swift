import Foundation
import HTTPTypes
import Hummingbird

/// The names this server answers to: `localhost`, `127.0.0.1`, `[::1]`, the listeners' addresses,
/// `server.public_url`'s host and `server.allowed_hosts`.
///
/// Why: a page on `evil.example` whose name an attacker re-points at 127.0.0.1 (DNS rebinding) reaches a loopback
/// install from the victim's browser under the attacker's name, and the browser calls that same-origin. An open
/// install (loopback, no users) therefore answers only to its own names, and the cross-site check compares
/// `Origin` with these names rather than with whatever `Host` says.
struct ServerNames: Sendable, Equatable {
    private(set) var names: Set<String>

    init(bindHosts: [String], publicURL: String, allowedHosts: [String]) {
        var names: Set<String> = ["localhost", "127.0.0.1", "::1"]
        for host in bindHosts where !Self.isWildcard(host) { names.insert(Self.normalise(host)) }
        if let host = URL(string: publicURL)?.host, !host.isEmpty { names.insert(Self.normalise(host)) }
        for host in allowedHosts { names.insert(Self.normalise(host)) }
        self.names = names
    }

    /// Whether `authority` (a `Host` header or an origin's host, with or without a port) names this server.
    func contains(authority: String) -> Bool {
        guard let host = Self.host(of: authority) else { return false }
        return names.contains(host)
    }

    /// The host of `name[:port]` or `[v6]:port`, lowercased, brackets and a trailing dot removed; nil when malformed.
    static func host(of authority: String) -> String? {
        var text = Substring(authority.lowercased())
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]") else { return nil }
            let rest = text[text.index(after: close)...]
            guard rest.isEmpty || (rest.hasPrefix(":") && rest.dropFirst().allSatisfy(\.isNumber)) else { return nil }
            text = text[text.index(after: text.startIndex)..<close]
        } else if let colon = text.lastIndex(of: ":") {
            // One colon: a port follows. More: a bare IPv6 address, which a Host header never is.
            guard text.firstIndex(of: ":") == colon, text[text.index(after: colon)...].allSatisfy(\.isNumber) else { return nil }
            text = text[..<colon]
        }
        if text.hasSuffix(".") { text = text.dropLast() }
        guard !text.isEmpty else { return nil }
        return String(text)
    }

    static func normalise(_ host: String) -> String {
        var text = host.lowercased()
        if text.hasPrefix("["), text.hasSuffix("]") { text = String(text.dropFirst().dropLast()) }
        if text.hasSuffix(".") { text.removeLast() }
        return text
    }

    static func isWildcard(_ host: String) -> Bool { host == "0.0.0.0" || host == "::" || host == "[::]" || host.isEmpty }

    /// 421 with a sentence: the request was meant for some other server.
    static func misdirected(_ host: String) -> APIError {
        APIError(
            status: .misdirectedRequest,
            message: "This Anikura answers only to its own names, not '\(host.prefix(100))'. To reach it by that name, add it "
                + "to server.allowed_hosts (or set server.public_url)."
        )
    }
}
