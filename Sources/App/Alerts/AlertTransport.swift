import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// Where an alert's webhook request goes: the one outside boundary of alerting.
protocol AlertTransport: Sendable {
    /// POSTs `body` to `url`; the HTTP status, or a thrown error when nothing answered.
    func post(_ url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int
}

/// Webhooks over AsyncHTTPClient's shared client (no client of our own to shut down).
struct HTTPAlertTransport: AlertTransport {
    var timeout: TimeAmount = .seconds(10)

    func post(_ url: String, headers: [(String, String)], body: [UInt8]) async throws -> Int {
        var request = HTTPClientRequest(url: url)
        request.method = .POST
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        request.headers.add(name: "User-Agent", value: "Anikura")
        request.body = .bytes(ByteBuffer(bytes: body))
        let response = try await HTTPClient.shared.execute(request, timeout: timeout)
        // Read (and drop) a little of the answer so the connection can be reused.
        _ = try? await response.body.collect(upTo: 64 * 1024)
        return Int(response.status.code)
    }
}
