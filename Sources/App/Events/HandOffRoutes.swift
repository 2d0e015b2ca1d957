import Foundation
import HTTPTypes
import Hummingbird
import Library
import Mirror
import Numbering
import Outside

/// `POST /api/anime/{aid}/sonarr` and `/radarr`: hand a missing anime to the program that fetches it. Sonarr gets
/// the TVDB series that holds the anime with exactly its episodes monitored; Radarr gets the TMDB movie.
struct HandOffRoutes<Context: RequestContext> {
    let matching: LibraryMatching
    let mappingFiles: MappingFiles
    let sonarr: ArrSettings?
    let radarr: ArrSettings?

    func register(on router: Router<Context>) {
        let api = router.group("api")
        api.post("anime/:aid/sonarr") { _, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            guard let sonarr else { throw Self.notSetUp("Sonarr") }
            let catalog = try await matching.matcher().catalog
            let mapping = try await mappingFiles.mapping()
            let title = catalog.title(of: aid) ?? "anime \(aid)"
            guard let wanted = mapping.foreignEpisodes(of: aid, in: .tvdb, episodeCount: catalog.anime[aid]?.episodeCount) else {
                let movie = !(mapping.entries[aid]?.tmdbMovies.isEmpty ?? true)
                throw APIError(
                    status: .unprocessableContent,
                    message: movie
                        ? "\(title) (\(aid)) is a film (TMDB): send it to Radarr instead."
                        : "The TVDB mapping places \(title) (\(aid)) in no TVDB series, so Sonarr cannot fetch it: correct the mapping on its page."
                )
            }
            let handOff = SonarrHandOff(
                sonarr: SonarrClient(url: sonarr.url, apiKey: sonarr.apiKey),
                rootFolder: sonarr.rootFolder,
                qualityProfile: sonarr.qualityProfile
            )
            return try JSONResponse.make(try await Self.answer { () async throws(OutsideError) in try await handOff.send(wanted, title: title) })
        }
        api.post("anime/:aid/radarr") { _, context in
            let aid = try RequestParsing.aid(context.parameters.get("aid"))
            guard let radarr else { throw Self.notSetUp("Radarr") }
            let catalog = try await matching.matcher().catalog
            let mapping = try await mappingFiles.mapping()
            let title = catalog.title(of: aid) ?? "anime \(aid)"
            guard let tmdb = mapping.entries[aid]?.tmdbMovies.first ?? mapping.ids[aid]?.tmdbMovies.first else {
                throw APIError(
                    status: .unprocessableContent,
                    message: "The mapping gives \(title) (\(aid)) no TMDB movie, so Radarr cannot fetch it"
                        + (mapping.entries[aid]?.tvdb.id != nil ? ": it is a TVDB series; send it to Sonarr." : ".")
                )
            }
            let handOff = RadarrHandOff(
                radarr: RadarrClient(url: radarr.url, apiKey: radarr.apiKey),
                rootFolder: radarr.rootFolder,
                qualityProfile: radarr.qualityProfile
            )
            return try JSONResponse.make(try await Self.answer { () async throws(OutsideError) in try await handOff.send(tmdb: tmdb, title: title) })
        }
    }

    static func notSetUp(_ service: String) -> APIError {
        APIError(
            status: .conflict,
            message: "\(service) is not set up: set [\(service.lowercased())] url and api_key in config.toml."
        )
    }

    /// The hand-off's result, or its failure as an answer naming the program: 502 when it cannot be reached or
    /// refuses the key or the request, 422 when it does not find the series or movie.
    static func answer(_ body: () async throws(OutsideError) -> HandOffResult) async throws -> HandOffResult {
        do {
            return try await body()
        } catch {
            throw APIError(status: error.kind == .notFound ? .unprocessableContent : .badGateway, message: error.message)
        }
    }
}
