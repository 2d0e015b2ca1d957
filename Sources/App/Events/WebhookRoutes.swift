import Foundation
import HTTPTypes
import Hummingbird
import Library
import Logging

/// `POST /api/hooks/sonarr` and `POST /api/hooks/radarr`: Sonarr's and Radarr's webhook connections. An import, an
/// upgrade, a rename or a deletion rescans exactly the files and folders the payload names (in Anikura's paths,
/// through `[library.path_map]`), keeps the payload's ids, season and episodes for an exact match, and answers at
/// once; the work goes on after the answer. `Test` and every other event answer 200 and change nothing, so the
/// program never disables the connection.
struct WebhookRoutes<Context: RequestContext> {
    let updates: LibraryUpdates
    let scanner: LibraryScanner
    let pathMap: PathMap
    let logger: Logger

    func register(on router: Router<Context>) {
        let hooks = router.group("api/hooks")
        hooks.post("sonarr") { request, _ in
            let payload: SonarrWebhookPayload = try await Self.payload(request, from: "Sonarr")
            return try accept(payload.eventType, ArrWebhookWork(payload), from: "Sonarr")
        }
        hooks.post("radarr") { request, _ in
            let payload: RadarrWebhookPayload = try await Self.payload(request, from: "Radarr")
            return try accept(payload.eventType, ArrWebhookWork(payload), from: "Radarr")
        }
    }

    static func payload<T: Decodable>(_ request: Request, from program: String) async throws -> T {
        try await RequestParsing.json(
            request,
            "Send the JSON \(program)'s webhook connection sends (an object with eventType).",
            limitKiB: 1024
        )
    }

    func accept(_ event: String, _ work: ArrWebhookWork?, from program: String) throws -> Response {
        guard let work else {
            let message = event == "Test" ? "\(program)'s test reached Anikura." : "\(program) \(event): nothing for the library to do."
            return try JSONResponse.make(WebhookAnswer(event: event, accepted: false, message: message))
        }
        func local(_ path: String) throws -> String {
            let mapped = LibraryScanner.trimmedPath(pathMap.local(path))
            guard mapped.hasPrefix("/"), scanner.root(of: mapped) != nil else {
                let via = mapped == path ? "" : " (\(mapped) after library.path_map)"
                throw APIError(
                    status: .unprocessableContent,
                    message:
                        "\(program)'s path \(path)\(via) is under no media folder (\(scanner.roots.joined(separator: ", "))): map \(program)'s folders to Anikura's in [library.path_map]."
                )
            }
            return mapped
        }
        let paths = try work.paths.map(local)
        let gone = Set(try work.gone.map(local))
        var hints: [String: FileHint] = [:]
        for (path, hint) in work.hints { hints[try local(path)] = hint }
        let job = updates.submit(LibraryUpdates.Request(paths: paths, gone: gone, hints: hints))
        logger.info("\(program) \(event): updating \(paths.count) paths")
        return try JSONResponse.make(
            status: .accepted,
            headers: [.location: "/api/jobs/\(job.id)"],
            WebhookAnswer(event: event, accepted: true, message: "\(program) \(event): rescanning \(paths.count) paths", job: job.id, paths: paths)
        )
    }

    struct WebhookAnswer: Encodable {
        var event: String
        var accepted: Bool
        var message: String
        var job: String?
        var paths: [String]?
    }
}
