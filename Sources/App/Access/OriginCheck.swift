import Foundation
import HTTPTypes
import Hummingbird

/// Whether a request comes from our own pages: what a browser says in `Sec-Fetch-Site`, else `Origin` compared
/// with the `Host` it was sent to (or `server.public_url`, behind a proxy). A request with neither is not from
/// a browser page (a script, curl), which carries no ambient credentials to abuse. On an open install `Host` has
/// already been checked against the server's own names (`ServerNames`), so a rebound name never gets this far.
enum OriginCheck {
    static func isSameOrigin(_ request: Request, publicURL: String) -> Bool {
        if let site = request.headers[.secFetchSite]?.lowercased() {
            return site == "same-origin" || site == "none"
        }
        guard let origin = request.headers[.origin]?.lowercased() else { return true }
        guard let originURL = URL(string: origin), let originHost = originURL.host else { return false }
        let originAuthority = originHost + (originURL.port.map { ":\($0)" } ?? "")
        if let host = request.head.authority?.lowercased(), host == originAuthority { return true }
        if !publicURL.isEmpty, let url = URL(string: publicURL.lowercased()), let host = url.host {
            return (url.scheme ?? "") == (originURL.scheme ?? "") && host + (url.port.map { ":\($0)" } ?? "") == originAuthority
        }
        return false
    }
}

extension HTTPField.Name {
    static let secFetchSite = Self("Sec-Fetch-Site")!
}
