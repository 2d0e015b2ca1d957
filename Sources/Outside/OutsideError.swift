/// Why a call to an outside service (Sonarr, Radarr, AniList) failed, in words an admin can act on; `service` names which program.
public struct OutsideError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: String, Sendable {
        /// No answer: refused, timed out, wrong address.
        case unreachable
        /// 401 or 403: the API key is wrong.
        case refusedKey
        /// Not there (a series TheTVDB or Sonarr does not know).
        case notFound
        /// Anything else it answered that Anikura cannot use.
        case failed
        /// 429: too many requests; `retryAfter` says for how long, when the service said.
        case rateLimited
    }

    public var service: String
    public var kind: Kind
    public var message: String
    /// Seconds to wait before asking again (`Retry-After`), for `rateLimited`.
    public var retryAfter: Double?

    public init(service: String, kind: Kind, message: String, retryAfter: Double? = nil) {
        self.service = service
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { message }
}
