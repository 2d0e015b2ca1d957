/// The mapping in the shape of Kometa's `anime_ids.json`, corrections applied, so Kometa's `Convert` reads the
/// same mapping Anikura matches with. Keys in AniDB order, fields in Kometa's order; an id list of one is a number,
/// longer lists are comma-separated strings, as in Kometa's file.
public enum KometaIDsExport {
    public static func json(_ mapping: CommunityMapping) -> [UInt8] {
        let aids = Set(mapping.entries.keys).union(mapping.ids.keys).sorted()
        var out: [UInt8] = []
        out.reserveCapacity(aids.count * 100)
        out.append(contentsOf: "{".utf8)
        for (position, aid) in aids.enumerated() {
            let entry = mapping.entries[aid]
            let known = mapping.ids[aid]
            var fields: [(String, String)] = []
            if let tvdb = entry?.tvdb.id {
                fields.append(("tvdb_id", String(tvdb)))
                switch entry?.tvdbSeason {
                case .number(let season): fields.append(("tvdb_season", String(season)))
                case .absolute: fields.append(("tvdb_season", "-1"))
                case nil: break
                }
            }
            fields.append(("tvdb_epoffset", String(entry?.tvdb.id != nil ? entry?.tvdbOffset ?? 0 : known?.tvdbOffset ?? 0)))
            if let show = entry?.tmdbTV { fields.append(("tmdb_show_id", String(show))) }
            if let movies = entry?.tmdbMovies, !movies.isEmpty { fields.append(("tmdb_movie_id", list(movies))) }
            if let imdb = entry?.imdb, !imdb.isEmpty { fields.append(("imdb_id", quoted(imdb.joined(separator: ",")))) }
            if let mal = known?.mal, !mal.isEmpty { fields.append(("mal_id", list(mal))) }
            if let anilist = known?.anilist, !anilist.isEmpty { fields.append(("anilist_id", list(anilist))) }
            out.append(contentsOf: (position == 0 ? "\n  " : ",\n  ").utf8)
            out.append(contentsOf: "\"\(aid)\": {".utf8)
            for (index, field) in fields.enumerated() {
                out.append(contentsOf: "\(index == 0 ? "" : ", ")\"\(field.0)\": \(field.1)".utf8)
            }
            out.append(contentsOf: "}".utf8)
        }
        out.append(contentsOf: "\n}\n".utf8)
        return out
    }

    private static func list(_ ids: [Int]) -> String {
        ids.count == 1 ? String(ids[0]) : quoted(ids.map(String.init).joined(separator: ","))
    }

    /// Ids and `tt…` only: nothing in them needs escaping, which the parsers made sure of.
    private static func quoted(_ text: String) -> String { "\"\(text)\"" }
}
