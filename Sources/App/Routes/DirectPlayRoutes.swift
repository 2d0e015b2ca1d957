import Foundation
import HTTPTypes
import Hummingbird
import Library
import OffThread
import Stream

#if canImport(Glibc)
import Glibc
#endif

/// Direct play: the original file with HTTP range requests, for mpv, VLC or Infuse (no transcoding), and a series as
/// an M3U playlist of signed links that those players open. `GET /api/files/{fileId}/raw` takes the caller's own
/// credentials; `/raw/{token}/{fileId}/{name}` the signed, expiring token streams use (players send no headers).
struct DirectPlayRoutes<Context: CallerRequestContext> {
    let index: LibraryIndex
    let tokens: StreamTokens
    let authenticator: Authenticator
    let publicURL: String
    /// 18+ titles hidden from users who hide them: no playlist of one.
    let restricted: RestrictedFilter
    let now: @Sendable () -> Date
    /// The media folders' share of the blocking pool (the one the streams use).
    let mountGuard: MountGuard
    let fileIO = FileIO()

    func register(on router: Router<Context>) {
        router.get("api/files/:fileId/raw") { request, context in
            try await raw(try await file(context), request: request, context: context)
        }
        router.get("raw/:token/:fileId/:name") { request, context in
            let token = context.parameters.get("token") ?? ""
            let id = try RequestParsing.fileID(context.parameters.get("fileId"))
            guard let userId = tokens.verify(token, fileId: id, now: now()), try await authenticator.linkUserIsValid(userId) else {
                throw APIError(status: .forbidden, message: "This link is invalid or has expired.")
            }
            return try await raw(try await file(context), request: request, context: context)
        }
        router.get("api/series/:aid/playlist.m3u") { request, context in
            guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            guard try await !restricted.hidden(for: caller.userId).contains(aid) else {
                throw APIError.notFound("No file on disk is matched to anime \(aid).")
            }
            let which = request.uri.queryParameters.get("episodes") ?? "all"
            guard ["all", "regular", "specials"].contains(which) else {
                throw APIError.badRequest("episodes must be all, regular or specials.")
            }
            let index = index
            let files = try await index.files(aid: aid).filter { !$0.file.offline }
            guard !files.isEmpty else { throw APIError.notFound("No file on disk is matched to anime \(aid).") }
            let base = baseURL(request)
            let chosen = Self.ordered(files).filter { entry in
                let regular = (entry.match.episode ?? "1").allSatisfy(\.isNumber)
                return which == "all" || (which == "regular") == regular
            }
            var text = "#EXTM3U\n"
            for entry in chosen {
                let token = tokens.make(fileId: entry.file.id, userId: caller.userId, now: now())
                let name = (entry.file.path as NSString).lastPathComponent
                let episode = entry.match.episode ?? "1"
                text += "#EXTINF:-1,\(entry.file.title ?? "Anime \(aid)") - \(episode)\n"
                text += "\(base)/raw/\(token)/\(entry.file.id)/\(Self.pathSegment(name))\n"
            }
            return Response(
                status: .ok,
                headers: [
                    .contentType: "audio/x-mpegurl; charset=utf-8",
                    .contentDisposition: "attachment; filename=\"anime-\(aid).m3u\"",
                    .cacheControl: "no-store",
                ],
                body: .init(byteBuffer: ByteBuffer(string: text))
            )
        }
    }

    /// Regular episodes by number, then specials, credits, trailers… by their letter and number.
    static func ordered(_ files: [(file: LibraryFile, match: FileMatch)]) -> [(file: LibraryFile, match: FileMatch)] {
        func key(_ episode: String) -> (Int, Int) {
            let letters = "SCTPO"
            if let first = episode.first, let kind = letters.firstIndex(of: first) {
                return (1 + letters.distance(from: letters.startIndex, to: kind), Int(episode.dropFirst()) ?? 0)
            }
            return (0, Int(episode) ?? 0)
        }
        return files.sorted { a, b in
            let (x, y) = (key(a.match.episode ?? "1"), key(b.match.episode ?? "1"))
            return x != y ? x < y : a.file.path < b.file.path
        }
    }

    static func pathSegment(_ name: String) -> String {
        var allowed = CharacterSet.urlPathAllowed
        allowed.remove(charactersIn: "/?#")
        return name.addingPercentEncoding(withAllowedCharacters: allowed) ?? "file"
    }

    /// `server.public_url` when set, else the Host the client used (what it can reach us by).
    func baseURL(_ request: Request) -> String {
        if !publicURL.isEmpty { return publicURL.hasSuffix("/") ? String(publicURL.dropLast()) : publicURL }
        return "http://" + (request.head.authority ?? "localhost")
    }

    func file(_ context: Context) async throws -> LibraryFile {
        let id = try RequestParsing.fileID(context.parameters.get("fileId"))
        guard let file = try await index.file(id: id) else {
            throw APIError.notFound("No library file \(id).")
        }
        guard !file.offline else {
            throw APIError(status: .serviceUnavailable, message: "Library file \(id) is offline: its folder cannot be read.")
        }
        return file
    }

    func raw(_ file: LibraryFile, request: Request, context: Context) async throws -> Response {
        let path = file.path
        // Sized now, not from the index: a file replaced since the last scan is served as it is.
        let status = try await mountGuard.run(folder: file.root, stalled: APIError.folderStalled(file, hanging: mountGuard.busy(file.root))) {
            () throws(APIError) -> (size: Int, modified: Int)? in
            var info = stat()
            guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
            return (Int(info.st_size), Int(info.st_mtim.tv_sec))
        }
        guard let status else { throw APIError.notFound("Library file \(file.id) is no longer on disk; scan the library again.") }
        var headers: HTTPFields = [
            .acceptRanges: "bytes",
            .contentType: Self.contentType(path),
            .eTag: "\"\(status.size)-\(status.modified)\"",
            .lastModified: HTTPDate.format(Double(status.modified)),
            .cacheControl: "private, no-cache",
        ]
        var range = ByteRange.resolve(request.headers[.range], size: status.size)
        // If-Range: a range of a file that changed since the client's copy would mix two files; send it whole.
        if let ifRange = request.headers[.ifRange], ifRange != headers[.eTag] { range = .whole }
        switch range {
        case .whole:
            headers[.contentLength] = String(status.size)
            guard status.size > 0 else { return Response(status: .ok, headers: headers) }
            return Response(
                status: .ok,
                headers: headers,
                body: try await fileIO.loadFile(path: path, range: 0...(status.size - 1), context: context)
            )
        case .part(let bytes):
            headers[.contentRange] = "bytes \(bytes.lowerBound)-\(bytes.upperBound)/\(status.size)"
            headers[.contentLength] = String(bytes.count)
            return Response(status: .partialContent, headers: headers, body: try await fileIO.loadFile(path: path, range: bytes, context: context))
        case .unsatisfiable:
            return Response(status: .rangeNotSatisfiable, headers: [.contentRange: "bytes */\(status.size)", .acceptRanges: "bytes"])
        }
    }

    static func contentType(_ path: String) -> String {
        switch (path as NSString).pathExtension.lowercased() {
        case "mkv": "video/x-matroska"
        case "mp4", "m4v": "video/mp4"
        case "webm": "video/webm"
        case "avi": "video/x-msvideo"
        case "ts", "m2ts": "video/mp2t"
        case "ogm", "ogv": "video/ogg"
        case "wmv": "video/x-ms-wmv"
        case "flv": "video/x-flv"
        default: "application/octet-stream"
        }
    }
}
