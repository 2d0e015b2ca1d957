import HTTPTypes
import Hummingbird
import Mirror

/// The AniDB HTTP API dialect (`/httpapi?request=anime&aid=N&client=..&clientver=..&protover=1`), for Shoko,
/// older Kometa and the Jellyfin/Emby AniDB plugins: the stored bytes exactly as AniDB gave them, gzip-compressed,
/// and AniDB's own `<error>` bodies (also gzip, also HTTP 200) where AniDB would give them.
struct AniDBHTTPAPIRoutes<Context: RequestContext> {
    let mirror: MirrorRouteContext

    func register(on router: Router<Context>) {
        router.get("httpapi") { request, _ in try await httpapi(request) }
    }

    func httpapi(_ request: Request) async throws -> Response {
        let query = request.uri.queryParameters
        guard let client = query.get("client"), !client.isEmpty, client.count <= 64,
            let version = query.get("clientver"), !version.isEmpty, version.count <= 16, version.allSatisfy(\.isNumber),
            query.get("protover") == "1"
        else { return answer(.clientVersion) }
        guard query.get("request") == "anime" else { return answer(.illegalInput) }
        guard let aid = try? RequestParsing.aid(query.get("aid")) else { return answer(.aid) }
        // A missing aid is fetched while the client waits (AniDB clients expect an answer, not a 202).
        let document: ServedBuffer
        switch try await mirror.fetcher.lookup(aid: aid, mature: true, waitSeconds: mirror.httpapiWaitSeconds) {
        case .document(let found, _):
            document = found
        case .notFound:
            return answer(.animeNotFound)
        case .queued(let estimate):
            return Response(
                status: .serviceUnavailable,
                headers: [.retryAfter: String(mirror.fetcher.retryAfter(estimate)), .contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "aid \(aid) is queued for fetching from AniDB\n"))
            )
        case .queueFull:
            return Response(
                status: .serviceUnavailable,
                headers: [.retryAfter: "3600", .contentType: "text/plain"],
                body: .init(byteBuffer: ByteBuffer(string: "the fetch queue is full\n"))
            )
        }
        var headers: HTTPFields = [.contentType: "text/xml; charset=utf-8", .contentEncoding: "gzip"]
        return try ConditionalGet.respond(
            to: request,
            body: { ByteBuffer(bytes: try Gzip.compress(document.xml)) },
            etag: document.etag,
            lastModified: document.fetchedAt,
            headers: &headers
        )
    }

    private func answer(_ error: AniDBErrorBody) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: "text/xml; charset=utf-8", .contentEncoding: "gzip"],
            body: .init(byteBuffer: AniDBErrorBody.gzipped[error] ?? ByteBuffer())
        )
    }
}

/// AniDB's own error bodies, as its HTTP API answers them (with HTTP 200).
enum AniDBErrorBody: String {
    case clientVersion = "<error code=\"302\">client version missing or invalid</error>"
    case aid = "<error>aid Missing or Invalid</error>"
    case illegalInput = "<error code=\"310\">illegal input or access denied</error>"
    case animeNotFound = "<error>Anime not found</error>"

    /// The bodies never change, so each is compressed once.
    static let gzipped: [AniDBErrorBody: ByteBuffer] = Dictionary(
        uniqueKeysWithValues: [AniDBErrorBody.clientVersion, .aid, .illegalInput, .animeNotFound].map {
            ($0, ByteBuffer(bytes: (try? Gzip.compress(Array($0.rawValue.utf8))) ?? []))
        }
    )
}
