/// Why a call to Sonarr or Radarr failed, in words an admin can act on; `service` names which program.
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
    }

    public var service: String
    public var kind: Kind
    public var message: String

    public init(service: String, kind: Kind, message: String) {
        self.service = service
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
