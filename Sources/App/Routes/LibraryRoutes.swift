import Foundation
import HTTPTypes
import Hummingbird
import Library
import OffThread

/// The library over HTTP: scans as jobs (with a Server-Sent Events stream), series and files.
struct LibraryRoutes<Context: RequestContext> {
    let index: LibraryIndex
    let scans: LibraryScanService
    let jobs: JobCenter

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.post("library/scan") { _, _ in
            guard scans.hasFolders else {
                throw APIError(
                    status: .conflict,
                    message: "No media folders are configured: set library.media_dirs.",
                    dialect: .native
                )
            }
            let job = scans.start()
            return try JSONResponse.make(status: .accepted, headers: [.location: "/api/jobs/\(job.id)"], job)
        }
        api.get("library") { _, _ in
            let index = index
            return try JSONResponse.make(LibraryListing(series: try await offThread { try index.series() }))
        }
        api.get("library/files/:id") { _, context in
            let id = try RequestParsing.fileID(context.parameters.get("id"))
            let index = index
            guard let file = try await offThread({ try index.file(id: id) }) else {
                throw APIError(status: .notFound, message: "No library file \(id).", dialect: .native)
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
        APIError(status: .notFound, message: "No job \(id.prefix(64)).", dialect: .native)
    }
}
