/// One HTTP GET to AniDB: the outside boundary of the mirror. The live implementation is
/// `HTTPClientTransport`; tests use it too, against a fake AniDB on a local socket.
public protocol AniDBTransport: Sendable {
    /// Fetches `url`. Throws `TransportError` for anything below HTTP (refused, reset, timed out).
    func get(_ url: String) async throws(TransportError) -> TransportResponse
    /// Releases connections; called once when the fetcher stops.
    func shutdown() async
}

public struct TransportResponse: Sendable {
    public var status: Int
    public var body: [UInt8]

    public init(status: Int, body: [UInt8]) {
        self.status = status
        self.body = body
    }
}

/// A failure below HTTP. Its description never contains the URL (which carries the AniDB password).
public struct TransportError: Swift.Error, Sendable, CustomStringConvertible {
    public var description: String

    public init(_ description: String) { self.description = description }
}
