import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Library
import OffThread
import ServiceLifecycle
import Stream

/// Streaming over HTTP. `GET /api/stream/{fileId}` hands out the master playlist's URL; playlists and
/// segments live under `/hls/{token}/{fileId}/…`, the signed, expiring token standing in for headers a
/// player will not send.
struct StreamRoutes<Context: CallerRequestContext> {
    let index: LibraryIndex
    let streams: StreamService
    let tokens: StreamTokens
    let authenticator: Authenticator
    let preferences: PreferencesStore
    /// 18+ titles hidden from users who hide them: their files do not play for them.
    let restricted: RestrictedFilter
    let now: @Sendable () -> Date
    let fileIO = FileIO()

    static var playlistType: String { "application/vnd.apple.mpegurl" }

    func register(on router: Router<Context>) {
        router.get("api/stream/:fileId") { request, context in
            let file = try await libraryFile(context)
            guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
            let hidden = try await restricted.hidden(for: caller.userId)
            if !hidden.isEmpty, let aid = try await placedAid(file), hidden.contains(aid) {
                throw APIError.notFound("No library file \(file.id).")
            }
            let info = try await run { try await streams.info(try await source(file)) }
            let viewer = try await preferences.preferences(userId: caller.userId)
            let client = try clientProfile(request, info: info, viewer: viewer)
            let decision = streams.decision(info, client: client)
            let token = tokens.make(fileId: file.id, userId: caller.userId, now: now())
            let url = "/hls/\(token)/\(file.id)/master.m3u8" + query(client)
            return try JSONResponse.make(
                StreamTicket(
                    fileId: file.id,
                    url: url,
                    expiresAt: ISO8601DateFormatter().string(from: now().addingTimeInterval(tokens.lifetime)),
                    mode: mode(decision),
                    video: "\(Rendition.video(decision.video))",
                    info: info,
                    defaults: .init(audio: client.audioTrack, subtitle: client.subtitleTrack, burn: client.burnSubtitle),
                    subtitleNames: MasterPlaylist.subtitleNames(info.subtitles)
                )
            )
        }
        let hls = router.group("hls/:token/:fileId")
        hls.get("master.m3u8") { request, context in
            let file = try await authorisedFile(context)
            let client = try clientProfile(request)
            let playlist = try await run { try await streams.masterPlaylist(try await source(file), client: client) }
            return playlistResponse(playlist)
        }
        // Seek previews: a WebVTT thumbnails track and its JPEG sprite sheets, made on first play.
        hls.get("trickplay/index.vtt") { _, context in
            let file = try await authorisedFile(context)
            let status = try await run { try await streams.seekPreviews(try await source(file)) }
            switch status {
            case .ready(let folder):
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/vtt; charset=utf-8", .cacheControl: "private, max-age=3600"],
                    body: try await fileIO.loadFile(path: folder + "/index.vtt", context: context)
                )
            case .making:
                return try JSONResponse.make(
                    status: .accepted,
                    headers: [.retryAfter: "2"],
                    ["state": "making", "message": "The seek previews are being made; ask again shortly."]
                )
            case .failed(let reason):
                throw APIError(
                    status: .unprocessableContent,
                    message: "No seek previews can be made for this file.",
                    internalCause: reason
                )
            }
        }
        hls.get("trickplay/:sheet") { _, context in
            let file = try await authorisedFile(context)
            let name = context.parameters.get("sheet") ?? ""
            guard name.hasPrefix("sheet-"), name.hasSuffix(".jpg"), name.count <= 16,
                let number = Int(name.dropFirst(6).dropLast(4)), number >= 1, "sheet-\(number).jpg" == name
            else { throw APIError.notFound("No seek preview sheet \(name.prefix(40)).") }
            let source = try await source(file)
            guard case .ready(let folder) = try await run({ try await streams.seekPreviews(source) }) else {
                throw APIError.notFound("The seek previews are not made yet.")
            }
            let path = folder + "/" + name
            guard FileManager.default.fileExists(atPath: path) else {
                // Evicted from the cache with the segments: the set is made again.
                await streams.trickplay.forget(source)
                throw APIError.notFound("No seek preview sheet \(number).")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "image/jpeg", .cacheControl: "private, max-age=3600"],
                body: try await fileIO.loadFile(path: path, context: context)
            )
        }
        hls.get(":rendition/index.m3u8") { _, context in
            let file = try await authorisedFile(context)
            let rendition = try rendition(context)
            let playlist = try await run { try await streams.mediaPlaylist(try await source(file), rendition) }
            return playlistResponse(playlist)
        }
        hls.get(":rendition/:segment") { request, context in
            let file = try await authorisedFile(context)
            let rendition = try rendition(context)
            let name = context.parameters.get("segment") ?? ""
            if case .subtitles(let track) = rendition, name == "full.vtt" {
                let path = try await run { try await streams.subtitleFile(try await source(file), track: track) }
                return Response(
                    status: .ok,
                    headers: [.contentType: "text/vtt; charset=utf-8", .cacheControl: "private, max-age=3600"],
                    body: try await fileIO.loadFile(path: path, context: context)
                )
            }
            let isSubtitles = if case .subtitles = rendition { true } else { false }
            let suffix = isSubtitles ? ".vtt" : ".ts"
            guard name.hasSuffix(suffix), let number = Int(name.dropLast(suffix.count)), number >= 0,
                name.count <= 12, String(number) + suffix == name
            else { throw APIError.notFound("No segment \(name.prefix(40)).") }
            // A stop does not wait for a segment still being made: the waiting player is told to come back (503).
            let path = try await run {
                do {
                    return try await cancelWhenGracefulShutdown { try await streams.segment(try await source(file), rendition, number) }
                } catch is CancellationError {
                    throw StreamError.cancelled
                }
            }
            let body = try await fileIO.loadFile(path: path, context: context)
            return Response(
                status: .ok,
                headers: [
                    .contentType: isSubtitles ? "text/vtt; charset=utf-8" : "video/mp2t",
                    // A segment never changes for this version of the file (its token is in the URL).
                    .cacheControl: "private, max-age=3600",
                ],
                body: body
            )
        }
    }

    struct StreamTicket: Encodable {
        var fileId: Int64
        var url: String
        var expiresAt: String
        /// `remux`, `remux-video` (audio transcoded) or `transcode`.
        var mode: String
        var video: String
        var info: MediaInfo
        /// What the stream starts with for this viewer (positions among the file's audio and subtitle tracks).
        var defaults: Defaults
        /// Each subtitle track's menu name (`English — Signs & Songs (styled)`), as in the master playlist.
        var subtitleNames: [String]

        struct Defaults: Encodable {
            var audio: Int?
            var subtitle: Int?
            var burn: Int?

            func encode(to encoder: any Encoder) throws {
                var container = encoder.container(keyedBy: CodingKeys.self)
                try container.encode(audio, forKey: .audio)
                try container.encode(subtitle, forKey: .subtitle)
                try container.encode(burn, forKey: .burn)
            }

            enum CodingKeys: String, CodingKey { case audio, subtitle, burn }
        }
    }

    func mode(_ decision: StreamDecision) -> String {
        if decision.video != .copy { return "transcode" }
        return decision.isRemux ? "remux" : "remux-video"
    }

    func query(_ client: ClientProfile) -> String {
        var items: [String] = []
        if client.forceTranscode { items.append("transcode=1") }
        if let burn = client.burnSubtitle { items.append("burn=\(burn)") }
        if let audio = client.audioTrack { items.append("audio=\(audio)") }
        if let subtitle = client.subtitleTrack { items.append("subs=\(subtitle)") }
        return items.isEmpty ? "" : "?" + items.joined(separator: "&")
    }

    func playlistResponse(_ text: String) -> Response {
        Response(
            status: .ok,
            headers: [.contentType: Self.playlistType, .cacheControl: "no-cache"],
            body: .init(byteBuffer: ByteBuffer(string: text))
        )
    }

    /// What the request asks for: `transcode=1`, `burn=N` (or `none`), `audio=N`, `subs=N` (or `none`).
    func clientProfile(_ request: Request) throws -> ClientProfile {
        var profile = ClientProfile()
        profile.forceTranscode = try RequestParsing.bool(
            request.uri.queryParameters.get("transcode"),
            name: "transcode"
        )
        profile.burnSubtitle = try track(request, "burn", "a subtitle track number or none")
        profile.audioTrack = try track(request, "audio", "an audio track number")
        profile.subtitleTrack = try track(request, "subs", "a subtitle track number or none")
        return profile
    }

    /// The request's profile with the viewer's preferences filling what it leaves open: the audio track in their
    /// language, their subtitle track, burnt in when they prefer styled subtitles and the track is styled.
    func clientProfile(_ request: Request, info: MediaInfo, viewer: ViewerPreferences) throws -> ClientProfile {
        var profile = try clientProfile(request)
        let query = request.uri.queryParameters
        let defaults = TrackDefaults(
            info: info,
            audioLanguages: viewer.audioLanguages,
            subtitleLanguages: viewer.subtitleLanguages
        )
        if query.get("audio") == nil { profile.audioTrack = defaults.audio }
        if query.get("subs") == nil { profile.subtitleTrack = defaults.subtitle }
        if query.get("burn") == nil, viewer.subtitleStyle == .styled, let subtitle = profile.subtitleTrack,
            info.subtitles.indices.contains(subtitle), info.subtitles[subtitle].styled
        {
            profile.burnSubtitle = subtitle
        }
        // A track burnt in is not offered as text as well.
        if profile.burnSubtitle != nil && profile.burnSubtitle == profile.subtitleTrack { profile.subtitleTrack = nil }
        return profile
    }

    /// A track number parameter; `none` (where allowed) is the same as leaving it out.
    func track(_ request: Request, _ name: String, _ expected: String) throws -> Int? {
        guard let value = request.uri.queryParameters.get(name) else { return nil }
        if value == "none" && expected.hasSuffix("or none") { return nil }
        guard value.count <= 3, let track = Int(value), track >= 0 else {
            throw APIError.badRequest("\(name) must be \(expected).")
        }
        return track
    }

    /// The anime a file is matched to (an applied match), if any.
    func placedAid(_ file: LibraryFile) async throws -> Int? {
        let id = file.id
        return try await index.placement(fileId: id)?.aid
    }

    func libraryFile(_ context: Context) async throws -> LibraryFile {
        let id = try RequestParsing.fileID(context.parameters.get("fileId"))
        guard let file = try await index.file(id: id) else {
            throw APIError.notFound("No library file \(id).")
        }
        return file
    }

    /// The file the URL's token was made for; a wrong or expired token, or one made for a user who is gone, is 403
    /// whatever the file.
    func authorisedFile(_ context: Context) async throws -> LibraryFile {
        let token = context.parameters.get("token") ?? ""
        let id = try RequestParsing.fileID(context.parameters.get("fileId"))
        guard let userId = tokens.verify(token, fileId: id, now: now()), try await authenticator.linkUserIsValid(userId) else {
            throw APIError(status: .forbidden, message: "This stream link is invalid or has expired.")
        }
        return try await libraryFile(context)
    }

    func rendition(_ context: Context) throws -> Rendition {
        let id = context.parameters.get("rendition") ?? ""
        guard let rendition = Rendition(id) else { throw APIError.notFound("No rendition \(id.prefix(40)).") }
        return rendition
    }

    func source(_ file: LibraryFile) async throws -> StreamSource {
        guard !file.offline else {
            throw APIError(
                status: .serviceUnavailable,
                message: "Library file \(file.id) is offline: its folder cannot be read (is the disk mounted?)."
            )
        }
        let path = file.path
        // A file on a sleeping disk can take seconds to answer, one on a dead mount forever: asked off the
        // cooperative threads, within its folder's share of the blocking pool.
        let readable = try await streams.mountGuard.run(
            folder: file.root,
            stalled: APIError.folderStalled(file, hanging: streams.mountGuard.busy(file.root))
        ) {
            () throws(APIError) -> Bool in FileManager.default.isReadableFile(atPath: path)
        }
        guard readable else {
            throw APIError.notFound("Library file \(file.id) is no longer on disk; scan the library again.")
        }
        return StreamSource(fileId: file.id, path: file.path, size: file.size, modifiedAt: file.modifiedAt, folder: file.root)
    }

    /// Runs stream work, mapping its errors to HTTP once. The answers name no path (the `/hls` routes are reachable
    /// with a token alone); the log gets the whole reason.
    func run<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StreamError {
            switch error {
            case .notFound(let message):
                throw APIError.notFound(message)
            case .unreadable(_, let reason):
                throw APIError(
                    status: .unprocessableContent,
                    message: "This file cannot be read as media: \(reason).",
                    internalCause: error.description
                )
            case .noVideo:
                throw APIError(status: .unprocessableContent, message: "This file has no video stream.")
            case .busy(let seconds):
                throw APIError(
                    status: .serviceUnavailable,
                    message: error.description,
                    headers: [.retryAfter: "\(seconds)"]
                )
            case .stalled(_, let seconds):
                throw APIError(
                    status: .gatewayTimeout,
                    message: "The folder holding this file did not answer within \(seconds) s (is the disk or network share there?).",
                    internalCause: error.description
                )
            case .cancelled:
                throw APIError(
                    status: .serviceUnavailable,
                    message: "The server is stopping; try again in a moment.",
                    headers: [.retryAfter: "5"]
                )
            case .diskFull:
                throw APIError(
                    status: .insufficientStorage,
                    message: "Disk full: the segment cannot be written to the data folder.",
                    internalCause: error.description
                )
            case .production:
                throw APIError(
                    status: .internalServerError,
                    message: "This segment could not be made; the server log has the cause.",
                    internalCause: error.description
                )
            }
        }
    }
}
