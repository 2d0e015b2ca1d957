import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// JSON over HTTP to Sonarr's or Radarr's API v3, with the key in `X-Api-Key` (as their own web apps send it).
/// Errors name the program and say what to fix.
struct ArrHTTP: Sendable {
    /// One client for the process, fail-fast: an admin clicking *Send to Sonarr* wants an answer, not retries.
    static let shared: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(5), read: .seconds(30))
        configuration.connectionPool.retryConnectionEstablishment = false
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    let service: String
    let baseURL: URL
    let apiKey: String

    func get(_ path: String, query: [(String, String)] = []) async throws(OutsideError) -> JSONValue {
        try await send(.GET, path, query: query, body: nil)
    }

    func post(_ path: String, _ body: JSONValue) async throws(OutsideError) -> JSONValue {
        try await send(.POST, path, query: [], body: body)
    }

    func put(_ path: String, _ body: JSONValue) async throws(OutsideError) -> JSONValue {
        try await send(.PUT, path, query: [], body: body)
    }

    func delete(_ path: String, query: [(String, String)] = []) async throws(OutsideError) {
        _ = try await send(.DELETE, path, query: query, body: nil)
    }

    private func send(
        _ method: HTTPMethod,
        _ path: String,
        query: [(String, String)],
        body: JSONValue?
    ) async throws(OutsideError)
        -> JSONValue
    {
        // Sonarr behind a reverse proxy has a URL base (`http://host/sonarr`): the API is under it.
        var components = URLComponents(url: baseURL, resolvingAgainstBaseURL: false)
        let base = components?.path ?? ""
        components?.path = base.trimmingSuffix("/") + path
        if !query.isEmpty { components?.queryItems = query.map { URLQueryItem(name: $0.0, value: $0.1) } }
        guard let url = components?.url?.absoluteString else {
            throw OutsideError(service: service, kind: .failed, message: "\(service): cannot make a URL from \(baseURL)")
        }
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "X-Api-Key", value: apiKey)
        request.headers.add(name: "Accept", value: "application/json")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/json")
            let data = (try? JSONEncoder().encode(body)) ?? Data()
            request.body = .bytes(ByteBuffer(bytes: data))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await Self.shared.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 32 << 20)
        } catch {
            throw OutsideError(
                service: service,
                kind: .unreachable,
                message:
                    "\(service) at \(baseURL.absoluteString) cannot be reached (\(Self.describe(error))): is it running, and is \(service.lowercased()).url right?"
            )
        }
        let status = Int(response.status.code)
        switch status {
        case 200..<300:
            guard bytes.readableBytes > 0 else { return .null }
            guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView)) else {
                throw OutsideError(
                    service: service,
                    kind: .failed,
                    message:
                        "\(service) answered \(method.rawValue) \(path) with something that is not JSON: is \(service.lowercased()).url \(service)'s address?"
                )
            }
            return value
        case 401, 403:
            throw OutsideError(
                service: service,
                kind: .refusedKey,
                message:
                    "\(service) refused the API key (HTTP \(status)): copy it again from \(service)'s Settings → General into \(service.lowercased()).api_key"
            )
        case 404:
            throw OutsideError(service: service, kind: .notFound, message: "\(service) has no \(path) (HTTP 404)")
        default:
            let said = Self.message(in: bytes)
            throw OutsideError(
                service: service,
                kind: .failed,
                message: "\(service) answered \(method.rawValue) \(path) with HTTP \(status)" + (said.map { ": \($0)" } ?? "")
            )
        }
    }

    /// What Sonarr or Radarr said was wrong: a validation failure's `errorMessage`s, or an error's `message`.
    static func message(in bytes: ByteBuffer) -> String? {
        guard let value = try? JSONDecoder().decode(JSONValue.self, from: Data(bytes.readableBytesView)) else { return nil }
        let messages = value.array.compactMap { $0["errorMessage"]?.string }
        if !messages.isEmpty { return messages.joined(separator: "; ") }
        return value["message"]?.string
    }

    static func describe(_ error: any Error) -> String {
        if let error = error as? HTTPClientError { return "\(error)" }
        return String(describing: error)
    }
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
