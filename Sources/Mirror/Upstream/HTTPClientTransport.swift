import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// `AniDBTransport` over AsyncHTTPClient. Decompression is left off on purpose: AniDB's gzip is not
/// always announced in `Content-Encoding`, so `AniDBReply` un-gzips by looking at the bytes.
public struct HTTPClientTransport: AniDBTransport {
    let client: HTTPClient
    let timeout: TimeAmount
    let maxBodyBytes: Int

    public init(timeoutSeconds: Int64 = 30, maxBodyBytes: Int = 32 * 1024 * 1024) {
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .follow(max: 3, allowCycles: false)
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(timeoutSeconds))
        configuration.decompression = .disabled
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = .seconds(timeoutSeconds)
        self.maxBodyBytes = maxBodyBytes
    }

    public func get(_ url: String) async throws(TransportError) -> TransportResponse {
        do {
            var request = HTTPClientRequest(url: url)
            request.headers.add(name: "Accept-Encoding", value: "gzip")
            let response = try await client.execute(request, timeout: timeout)
            let body = try await response.body.collect(upTo: maxBodyBytes)
            return TransportResponse(status: Int(response.status.code), body: Array(body.readableBytesView))
        } catch let error as HTTPClientError {
            // HTTPClientError's descriptions name the failure, not the request.
            throw TransportError("\(error)")
        } catch is NIOTooManyBytesError {
            throw TransportError("response body larger than \(maxBodyBytes) bytes")
        } catch {
            throw TransportError(Self.describe(error))
        }
    }

    public func shutdown() async {
        try? await client.shutdown()
    }

    /// The error's type and a short description, with anything URL-like cut off.
    static func describe(_ error: any Swift.Error) -> String {
        let text = String(describing: error)
        if let cut = text.range(of: "http") { return String(text[..<cut.lowerBound]) + "…" }
        return text
    }
}
