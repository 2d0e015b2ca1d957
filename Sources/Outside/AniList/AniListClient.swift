import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// AniList's GraphQL endpoint over AsyncHTTPClient: `POST` of `{"query", "variables"}` with the user's token as
/// `Authorization: Bearer`. AniList answers a bad token with 400 or 401 (`Invalid token`, `Unauthorized`) and too
/// many requests with 429 and `Retry-After`; each becomes an `OutsideError` that says so. Tokens are never logged.
public struct AniListClient: AniListAPI {
    static let http: HTTPClient = {
        var configuration = HTTPClient.Configuration()
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(30))
        return HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }()

    let endpoint: String

    /// - Parameter endpoint: `anilist.api_url`, AniList's `https://graphql.anilist.co` unless set.
    public init(endpoint: String) {
        self.endpoint = endpoint
    }

    static let viewerQuery = "query { Viewer { id name } }"
    static let saveMutation =
        "mutation ($mediaId: Int, $progress: Int, $status: MediaListStatus) { SaveMediaListEntry(mediaId: $mediaId, progress: $progress, status: $status) { id progress status } }"

    public func viewer(token: String) async throws(OutsideError) -> ListAccount {
        let data = try await call(token: token, query: Self.viewerQuery, variables: [:])
        guard let viewer = data["Viewer"] as? [String: Any], let id = viewer["id"] as? Int, let name = viewer["name"] as? String else {
            throw OutsideError(service: "AniList", kind: .failed, message: "AniList answered the Viewer query without a user")
        }
        return ListAccount(id: id, name: name)
    }

    public func save(token: String, mediaId: Int, progress: Int, status: ListStatus) async throws(OutsideError) {
        let data = try await call(
            token: token,
            query: Self.saveMutation,
            variables: ["mediaId": mediaId, "progress": progress, "status": status.aniList]
        )
        guard data["SaveMediaListEntry"] is [String: Any] else {
            throw OutsideError(service: "AniList", kind: .failed, message: "AniList did not save the list entry")
        }
    }

    /// One GraphQL request; its `data`, or the error AniList gave.
    func call(token: String, query: String, variables: [String: any Sendable]) async throws(OutsideError) -> [String: Any] {
        var request = HTTPClientRequest(url: endpoint)
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.headers.add(name: "Accept", value: "application/json")
        let body = (try? JSONSerialization.data(withJSONObject: ["query": query, "variables": variables] as [String: Any])) ?? Data()
        request.body = .bytes(ByteBuffer(bytes: body))
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await Self.http.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw OutsideError(service: "AniList", kind: .unreachable, message: "AniList cannot be reached at \(endpoint) (\(error))")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        let errors = (object["errors"] as? [[String: Any]] ?? []).compactMap { $0["message"] as? String }
        let status = Int(response.status.code)
        if status == 429 {
            let wait = response.headers.first(name: "Retry-After").flatMap(Double.init)
            throw OutsideError(service: "AniList", kind: .rateLimited, message: "AniList asks to slow down (429)", retryAfter: wait)
        }
        if status == 401
            || errors.contains(where: { $0.localizedCaseInsensitiveContains("invalid token") || $0.localizedCaseInsensitiveContains("unauthorized") })
        {
            throw OutsideError(
                service: "AniList",
                kind: .refusedKey,
                message: "AniList refused the token (\(errors.first ?? "HTTP \(status)")): link the account again with a new token"
            )
        }
        guard (200..<300).contains(status), let data = object["data"] as? [String: Any] else {
            let kind: OutsideError.Kind = status >= 500 ? .unreachable : .failed
            throw OutsideError(service: "AniList", kind: kind, message: "AniList answered HTTP \(status): \(errors.first ?? "no data")")
        }
        return data
    }
}
