import AsyncHTTPClient
import Foundation
import NIOCore
import NIOHTTP1

/// MyAnimeList over AsyncHTTPClient: OAuth at `authURL` (`…/v1/oauth2`: `/authorize`, `/token`), the API at `apiURL`
/// (`https://api.myanimelist.net/v2`) with `Authorization: Bearer`. Forms are `application/x-www-form-urlencoded`,
/// as MAL's documentation shows them. Tokens are never logged.
public struct MyAnimeListClient: MyAnimeListAPI {
    let apiURL: String
    let authURL: String
    let clientId: String
    let clientSecret: String

    public init(apiURL: String, authURL: String, clientId: String, clientSecret: String) {
        self.apiURL = apiURL.hasSuffix("/") ? String(apiURL.dropLast()) : apiURL
        self.authURL = authURL.hasSuffix("/") ? String(authURL.dropLast()) : authURL
        self.clientId = clientId
        self.clientSecret = clientSecret
    }

    public func authorizeURL(clientId: String, state: String, verifier: String, redirectURI: String) -> String {
        var components = URLComponents(string: authURL + "/authorize")
        components?.queryItems = [
            URLQueryItem(name: "response_type", value: "code"), URLQueryItem(name: "client_id", value: clientId),
            URLQueryItem(name: "state", value: state), URLQueryItem(name: "redirect_uri", value: redirectURI),
            URLQueryItem(name: "code_challenge", value: verifier), URLQueryItem(name: "code_challenge_method", value: "plain"),
        ]
        return components?.url?.absoluteString ?? authURL
    }

    public func exchange(code: String, verifier: String, redirectURI: String) async throws(OutsideError) -> MyAnimeListTokens {
        try tokens(
            try await send(
                .POST,
                authURL + "/token",
                form: [
                    ("client_id", clientId), ("client_secret", clientSecret), ("grant_type", "authorization_code"), ("code", code),
                    ("redirect_uri", redirectURI), ("code_verifier", verifier),
                ],
                bearer: nil
            )
        )
    }

    public func refresh(_ refreshToken: String) async throws(OutsideError) -> MyAnimeListTokens {
        try tokens(
            try await send(
                .POST,
                authURL + "/token",
                form: [("client_id", clientId), ("client_secret", clientSecret), ("grant_type", "refresh_token"), ("refresh_token", refreshToken)],
                bearer: nil
            )
        )
    }

    public func me(accessToken: String) async throws(OutsideError) -> ListAccount {
        let user = try await send(.GET, apiURL + "/users/@me", form: nil, bearer: accessToken)
        guard let id = user["id"] as? Int, let name = user["name"] as? String else {
            throw OutsideError(service: "MyAnimeList", kind: .failed, message: "MyAnimeList answered /users/@me without a user")
        }
        return ListAccount(id: id, name: name)
    }

    public func save(accessToken: String, animeId: Int, watched: Int, status: ListStatus) async throws(OutsideError) {
        _ = try await send(
            .PATCH,
            apiURL + "/anime/\(animeId)/my_list_status",
            form: [("num_watched_episodes", "\(watched)"), ("status", status.myAnimeList)],
            bearer: accessToken
        )
    }

    func tokens(_ object: [String: Any]) throws(OutsideError) -> MyAnimeListTokens {
        guard let access = object["access_token"] as? String, let refresh = object["refresh_token"] as? String else {
            throw OutsideError(service: "MyAnimeList", kind: .failed, message: "MyAnimeList's token endpoint gave no tokens")
        }
        return MyAnimeListTokens(accessToken: access, refreshToken: refresh, expiresIn: (object["expires_in"] as? Double) ?? 3600)
    }

    func send(_ method: HTTPMethod, _ url: String, form: [(String, String)]?, bearer: String?) async throws(OutsideError) -> [String: Any] {
        var request = HTTPClientRequest(url: url)
        request.method = method
        request.headers.add(name: "Accept", value: "application/json")
        if let bearer { request.headers.add(name: "Authorization", value: "Bearer \(bearer)") }
        if let form {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            var allowed = CharacterSet.alphanumerics
            allowed.insert(charactersIn: "-._~")
            let body = form.filter { !($0.0 == "client_secret" && $0.1.isEmpty) }.map {
                "\($0.0)=\($0.1.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")"
            }.joined(separator: "&")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let response: HTTPClientResponse
        let bytes: ByteBuffer
        do {
            response = try await AniListClient.http.execute(request, timeout: .seconds(30))
            bytes = try await response.body.collect(upTo: 4 << 20)
        } catch {
            throw OutsideError(service: "MyAnimeList", kind: .unreachable, message: "MyAnimeList cannot be reached (\(error))")
        }
        let object = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
        let status = Int(response.status.code)
        let reason = (object["message"] as? String) ?? (object["error"] as? String) ?? "HTTP \(status)"
        switch status {
        case 200..<300: return object
        case 429:
            throw OutsideError(
                service: "MyAnimeList",
                kind: .rateLimited,
                message: "MyAnimeList asks to slow down (429)",
                retryAfter: response.headers.first(name: "Retry-After").flatMap(Double.init)
            )
        case 400 where (object["error"] as? String) == "invalid_grant", 401, 403:
            throw OutsideError(
                service: "MyAnimeList",
                kind: .refusedKey,
                message: "MyAnimeList refused the token (\(reason)): link the account again"
            )
        case 500...:
            throw OutsideError(service: "MyAnimeList", kind: .unreachable, message: "MyAnimeList answered HTTP \(status): \(reason)")
        default:
            throw OutsideError(service: "MyAnimeList", kind: .failed, message: "MyAnimeList answered HTTP \(status): \(reason)")
        }
    }
}
