import Foundation
import HTTPTypes
import Hummingbird
import Library
import Mirror
import OffThread

/// Matching over HTTP: the `match` job, each series' candidates, manual fixes, and what the matches tell
/// (missing sequels, franchises on disk, a Kometa collection file).
struct MatchRoutes<Context: CallerRequestContext> {
    let matching: LibraryMatching
    let service: LibraryMatchService
    /// Sonarr and Radarr, when set up: an admin's missing sequels say where each can be sent.
    var handOff = HandOffTargets()
    /// 18+ titles hidden from users who hide them (the missing sequels leave them out).
    let restricted: RestrictedFilter

    /// `{"aid": 123}` for a series; `{"aid": 123, "episode": "S1"}` for a file.
    struct ManualMatch: Decodable {
        var aid: Int
        var episode: String?
    }

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.post("matches/auto") { _, _ in
            let job = service.start()
            return try JSONResponse.make(status: .accepted, headers: [.location: "/api/jobs/\(job.id)"], job)
        }
        api.get("matches") { _, _ in
            let index = matching.index
            return try JSONResponse.make(MatchListing(matches: try await index.matches()))
        }
        api.get("matches/:seriesId/candidates") { _, context in
            try JSONResponse.make(try await series(try seriesID(context)))
        }
        api.post("matches/:seriesId") { request, context in
            let id = try seriesID(context)
            let manual = try await body(request, context)
            let index = matching.index
            let now = Date().timeIntervalSince1970
            guard try await index.setSeriesOverride(seriesId: id, aid: manual.aid, now: now) else {
                throw noSeries(id)
            }
            _ = try await matching.run(seriesId: id)
            return try JSONResponse.make(try await series(id))
        }
        api.delete("matches/:seriesId") { _, context in
            let id = try seriesID(context)
            let index = matching.index
            guard try await index.clearOverrides(seriesId: id) else { throw noSeries(id) }
            _ = try await matching.run(seriesId: id)
            return try JSONResponse.make(try await series(id))
        }
        api.post("matches/files/:fileId") { request, context in
            let id = try RequestParsing.fileID(context.parameters.get("fileId"))
            let manual = try await body(request, context)
            if let episode = manual.episode, !Self.isEpisode(episode) {
                throw APIError(status: .badRequest, message: "episode must be like 5, S1, C1, T1, P1 or O1.")
            }
            let index = matching.index
            let now = Date().timeIntervalSince1970
            guard try await index.setFileOverride(fileId: id, aid: manual.aid, episode: manual.episode, now: now),
                let file = try await index.file(id: id)
            else { throw APIError(status: .notFound, message: "No library file \(id).") }
            if let seriesID = file.seriesId { _ = try await matching.run(seriesId: seriesID) }
            return try JSONResponse.make(try await index.matches().first { $0.fileId == id })
        }
        api.delete("matches/files/:fileId") { _, context in
            let id = try RequestParsing.fileID(context.parameters.get("fileId"))
            let index = matching.index
            guard let file = try await index.file(id: id) else { throw APIError(status: .notFound, message: "No library file \(id).") }
            _ = try await index.clearFileOverride(fileId: id)
            if let seriesID = file.seriesId { _ = try await matching.run(seriesId: seriesID) }
            return try JSONResponse.make(try await index.matches().first { $0.fileId == id })
        }
        api.get("library/missing-sequels") { request, context in
            let types = MissingRelationsReport.relationTypes(request.uri.queryParameters.get("relations"))
            if types?.isEmpty == true {
                throw APIError(status: .badRequest, message: "relations: a comma-separated list such as sequel,prequel, or all.")
            }
            let (report, documents) = try await matching.missingRelations(types: types)
            let hidden = try await restricted.hidden(for: context.caller?.userId)
            var entries = report.entries.filter { !hidden.contains($0.aid) }
            for index in entries.indices { entries[index].missing.removeAll { hidden.contains($0.aid) } }
            entries.removeAll { $0.missing.isEmpty }
            if handOff.sonarr || handOff.radarr, context.caller?.isAdmin == true {
                let mapping = try await matching.mappingFiles.mapping()
                for index in entries.indices {
                    for missing in entries[index].missing.indices {
                        entries[index].missing[missing].sendTo = handOff.target(of: entries[index].missing[missing].aid, in: mapping)
                    }
                }
            }
            var headers = HTTPFields()
            // The body is the report other tools read; what is still unknown is said in headers.
            headers[HTTPField.Name("X-Anikura-Undocumented")!] = String(report.undocumented.count)
            if let message = documents?.message { headers[HTTPField.Name("X-Anikura-Documents")!] = message }
            return try JSONResponse.make(headers: headers, entries)
        }
        api.get("library/franchises") { _, _ in
            try JSONResponse.make(FranchiseListing(franchises: try await matching.franchises()))
        }
        api.get("kometa/collections.yml") { _, _ in
            let franchises = try await matching.franchises()
            let (report, _) = try await matching.missingRelations(types: ["Sequel"])
            let yaml = KometaCollections.yaml(franchises: franchises, missing: report.entries)
            return Response(
                status: .ok,
                headers: [.contentType: "application/yaml; charset=utf-8", .contentDisposition: "inline; filename=\"anikura.yml\""],
                body: .init(byteBuffer: ByteBuffer(string: yaml))
            )
        }
    }

    struct MatchListing: Encodable {
        var matches: [FileMatch]
    }

    struct FranchiseListing: Encodable {
        var franchises: [LibraryFranchise]
    }

    func series(_ id: Int64) async throws -> SeriesMatches {
        let index = matching.index
        guard let series = try await index.seriesMatches(id: id) else { throw noSeries(id) }
        return series
    }

    func seriesID(_ context: Context) throws -> Int64 {
        let text = context.parameters.get("seriesId") ?? ""
        guard let id = Int64(text), id > 0, String(id) == text else {
            throw APIError(status: .badRequest, message: "A series id is a positive integer.")
        }
        return id
    }

    func noSeries(_ id: Int64) -> APIError {
        APIError(status: .notFound, message: "No library series \(id).")
    }

    func body(_ request: Request, _ context: Context) async throws -> ManualMatch {
        let manual: ManualMatch = try await RequestParsing.json(
            request,
            #"Send {"aid": N} (and for a file, optionally "episode")."#,
            limitKiB: 4
        )
        guard manual.aid > 0, manual.aid <= RequestParsing.maxAID else {
            throw APIError(status: .badRequest, message: "aid must be a positive integer.")
        }
        return manual
    }

    /// AniDB episode numbers: `5`, or a letter for specials (S), credits (C), trailers (T), parodies (P), other (O).
    static func isEpisode(_ text: String) -> Bool {
        var digits = Substring(text)
        if let first = digits.first, "SCTPO".contains(first) { digits = digits.dropFirst() }
        return !digits.isEmpty && digits.count <= 5 && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}
