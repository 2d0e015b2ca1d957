import Foundation
import HTTPTypes
import Hummingbird
import Library
import OffThread

/// The library over HTTP: scans as jobs (with a Server-Sent Events stream), series and files.
struct LibraryRoutes<Context: RequestContext> {
    let index: LibraryIndex
    let scans: LibraryScanService
    /// Targeted rescans: `{"paths": [...]}`.
    let updates: LibraryUpdates
    let jobs: JobCenter

    struct ScanRequest: Decodable {
        var paths: [String]
    }

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.post("library/scan") { request, _ in
            guard scans.hasFolders else {
                throw APIError(
                    status: .conflict,
                    message: "No media folders are configured: set library.media_dirs."
                )
            }
            // No body: the whole library. `{"paths": [...]}`: just those files and folders.
            let body = try await request.body.collect(upTo: 256 << 10)
            if body.readableBytes > 0 {
                guard let wanted = try? JSONDecoder().decode(ScanRequest.self, from: Data(body.readableBytesView)) else {
                    throw APIError.badRequest(#"Send no body to scan everything, or {"paths": ["/media/anime/Show", …]}."#)
                }
                guard !wanted.paths.isEmpty else { throw APIError.badRequest(#"paths is empty: name a file or folder, or send no body."#) }
                for path in wanted.paths where !path.hasPrefix("/") || scans.scanner.root(of: LibraryScanner.trimmedPath(path)) == nil {
                    throw APIError(
                        status: .unprocessableContent,
                        message: "\(path) is not inside a media folder (\(scans.scanner.roots.joined(separator: ", ")))."
                    )
                }
                let job = updates.submit(LibraryUpdates.Request(paths: wanted.paths.map(LibraryScanner.trimmedPath)))
                return try JSONResponse.make(status: .accepted, headers: [.location: "/api/jobs/\(job.id)"], job)
            }
            let job = scans.start()
            return try JSONResponse.make(status: .accepted, headers: [.location: "/api/jobs/\(job.id)"], job)
        }
        api.get("library") { _, _ in
            try JSONResponse.make(LibraryListing(series: try await index.series()))
        }
        api.get("library/files/:id") { _, context in
            let id = try RequestParsing.fileID(context.parameters.get("id"))
            guard let file = try await index.file(id: id) else {
                throw APIError(status: .notFound, message: "No library file \(id).")
            }
            return try JSONResponse.make(file)
        }
        api.get("jobs/:id") { _, context in try JSONResponse.make(try job(context)) }
        api.get("jobs/:id/events") { _, context in
            let id = try job(context).id
            guard let events = jobs.events(id) else { throw notFound(id) }
            // `event: running` / `data: {job}` pairs until the job is done or failed.
            let body = events.map { @Sendable job -> ByteBuffer in
                let data = (try? JSONResponse.encoder.encode(job)) ?? Data("{}".utf8)
                return ByteBuffer(string: "event: \(job.state.rawValue)\ndata: " + String(decoding: data, as: UTF8.self) + "\n\n")
            }
            return Response(
                status: .ok,
                headers: [.contentType: "text/event-stream", .cacheControl: "no-cache"],
                body: ResponseBody(asyncSequence: body)
            )
        }
    }

    struct LibraryListing: Encodable {
        var series: [LibrarySeries]
    }

    func job(_ context: Context) throws -> JobSnapshot {
        let id = context.parameters.get("id") ?? ""
        guard let job = jobs.snapshot(id) else { throw notFound(id) }
        return job
    }

    func notFound(_ id: String) -> APIError {
        APIError(status: .notFound, message: "No job \(id.prefix(64)).")
    }
}
