import AsyncHTTPClient
import NIOCore
import NIOHTTP1

/// A conditional GET for the community mapping files (GitHub's raw file host, or wherever `mirror.mapping_url` and
/// `mirror.ids_url` point): the outside boundary of the downloader. Nothing of AniDB's budget is involved.
public protocol MappingTransport: Sendable {
    /// GETs `url` with `If-None-Match`/`If-Modified-Since` from the copy kept, when there is one.
    func get(_ url: String, etag: String?, lastModified: String?) async throws(TransportError) -> MappingResponse
    func shutdown() async
}

public struct MappingResponse: Sendable {
    public var status: Int
    public var body: [UInt8]
    public var etag: String?
    public var lastModified: String?

    public init(status: Int, body: [UInt8], etag: String? = nil, lastModified: String? = nil) {
        self.status = status
        self.body = body
        self.etag = etag
        self.lastModified = lastModified
    }
}

/// `MappingTransport` over AsyncHTTPClient. GitHub compresses raw files when asked; a gzip body is undone here.
public struct HTTPMappingTransport: MappingTransport {
    /// One client for the process, like AsyncHTTPClient's shared one (nothing to shut down, so a transport made for an
    /// app that never runs costs nothing), but one refused connection ends the attempt rather than being retried
    /// until the deadline: the next try is a day (or an hour) away anyway.
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .follow(max: 5, allowCycles: false)
        configuration.timeout = .init(connect: .seconds(15), read: .seconds(60))
        configuration.decompression = .disabled
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    var client: HTTPClient { Self.shared }

    public init() {}

    public func get(_ url: String, etag: String?, lastModified: String?) async throws(TransportError) -> MappingResponse {
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept-Encoding", value: "gzip")
            request.headers.add(name: "User-Agent", value: "Anikura (community mapping, once a day)")
            if let etag { request.headers.add(name: "If-None-Match", value: etag) }
            if let lastModified { request.headers.add(name: "If-Modified-Since", value: lastModified) }
            let response = try await client.execute(request, timeout: .seconds(120))
            let body = try await response.body.collect(upTo: MappingFileKind.maxBytes)
            var bytes = Array(body.readableBytesView)
            if Gzip.isGzip(bytes) { bytes = try Gzip.decompress(bytes, limit: MappingFileKind.maxBytes) }
            return MappingResponse(
                status: Int(response.status.code),
                body: bytes,
                etag: response.headers.first(name: "ETag"),
                lastModified: response.headers.first(name: "Last-Modified")
            )
        } catch let error as HTTPClientError {
            throw TransportError("\(error)")
        } catch is NIOTooManyBytesError {
            throw TransportError("response body larger than \(MappingFileKind.maxBytes) bytes")
        } catch {
            throw TransportError(HTTPClientTransport.describe(error))
        }
    }

    public func shutdown() async {}
}
