import Foundation
import HTTPTypes
import Hummingbird
import Library
import Mirror
import OffThread

/// What the web app browses: the library grid, series pages, posters, and the files that need a person.
struct ShelfRoutes<Context: CallerRequestContext> {
    let shelf: ShelfService
    let posters: PosterStore
    /// 18+ titles hidden from users who hide them.
    let restricted: RestrictedFilter

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.get("shelf") { _, context in
            let caller = try signedIn(context)
            let hidden = try await restricted.hidden(for: caller.userId)
            return JSONResponse.make(json: ShelfSeries.listing(try await shelf.shelf(userId: caller.userId).filter { !hidden.contains($0.aid) }))
        }
        api.get("series/:aid") { _, context in
            let caller = try signedIn(context)
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            let hidden = try await restricted.hidden(for: caller.userId)
            // A hidden anime is answered as one that does not exist.
            guard !hidden.contains(aid), var page = try await shelf.page(aid: aid, userId: caller.userId, isAdmin: caller.isAdmin) else {
                throw APIError.notFound("Anime \(aid) is neither on disk nor in the mirror.")
            }
            page.relations.removeAll { hidden.contains($0.aid) }
            return try JSONResponse.make(page)
        }
        api.get("watch/:fileId") { _, context in
            let id = try RequestParsing.fileID(context.parameters.get("fileId"))
            let hidden = try await restricted.hidden(for: context.caller?.userId)
            guard let watch = try await shelf.watchContext(fileId: id), !(watch.aid.map(hidden.contains) ?? false) else {
                throw APIError.notFound("No library file \(id).")
            }
            return try JSONResponse.make(watch)
        }
        api.get("attention") { _, _ in
            let index = shelf.index
            let report = AttentionReport(files: try await index.files(), matches: try await index.matches())
            return try JSONResponse.make(report)
        }
        api.get("images/anime/:aid") { request, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            return try await poster(aid: aid, request: request)
        }
    }

    func poster(aid: Int, request: Request) async throws -> Response {
        let lookup = try await posters.poster(aid: aid)
        switch lookup {
        case .image(let bytes, let name, let contentType):
            // A name's picture never changes: cache it for a year, and answer revalidations from the name alone.
            let etag = "\"\(name)\""
            var headers: HTTPFields = [.eTag: etag, .cacheControl: "private, max-age=31536000, immutable"]
            if request.headers[.ifNoneMatch]?.split(separator: ",").contains(where: { $0.trimmingCharacters(in: .whitespaces) == etag }) == true {
                return Response(status: .notModified, headers: headers)
            }
            headers[.contentType] = contentType
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
        case .placeholder(let title, let reason):
            var headers: HTTPFields = [
                .contentType: "image/svg+xml",
                // One that may turn into a poster (budget, a failed download) is asked for again soon.
                .cacheControl: lookup.isLasting ? "private, max-age=86400" : "no-cache",
            ]
            headers[HTTPField.Name("X-Anikura-Placeholder")!] = reason.rawValue
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: PosterPlaceholder.svg(aid: aid, title: title))))
        }
    }

    func signedIn(_ context: Context) throws -> Caller {
        guard let caller = context.caller else { throw AccessMiddleware<Context>.unauthorized(basic: false) }
        return caller
    }
}
