/// Maps a parsed episode to AniDB's episode numbering: `5` for a regular episode, `S1` for a special,
/// `C1` for a credit (opening or ending), `T1` for a trailer, nil for a movie's single part; and an episode past
/// the end of a season to the sequel it belongs to (absolute numbering), where stored documents give the counts.
struct EpisodeMapper: Sendable {
    let catalog: MatchCatalog

    /// What the name says about the kind of episode.
    enum Kind: Sendable, Equatable {
        case regular
        case special
        case credit
        case trailer
        case movie
    }

    struct Mapped: Sendable, Equatable {
        var aid: Int
        var episode: String?
        /// Less than 1 when the numbering could not be checked against the document.
        var factor: Double
        var note: String?
        var wanted: Int?
    }

    static func kind(types: [String], folderSeason: String?) -> Kind {
        let lowered = types.map { $0.lowercased() }
        if lowered.contains(where: { ["ncop", "nced", "op", "ed", "opening", "ending", "creditless"].contains($0) }) {
            return .credit
        }
        if lowered.contains(where: { ["pv", "cm", "preview", "trailer", "teaser", "promo"].contains($0) }) {
            return .trailer
        }
        if lowered.contains(where: { ["sp", "special", "specials", "sps", "oad", "ova", "ona", "omake", "extra"].contains($0) }) {
            return .special
        }
        if folderSeason == "0" { return .special }
        if lowered.contains(where: { ["movie", "gekijouban", "film"].contains($0) }) { return .movie }
        return .regular
    }

    func map(aid: Int, episode: String?, kind: Kind) -> Mapped {
        let number = episode.flatMap(Self.leadingNumber)
        let anime = catalog.anime[aid]
        switch kind {
        case .credit:
            return Mapped(aid: aid, episode: "C\(max(number ?? 1, 1))", factor: 1)
        case .trailer:
            return Mapped(aid: aid, episode: "T\(max(number ?? 1, 1))", factor: 1)
        case .special:
            // An OVA or special that is an anime of its own has regular episodes; a series' special is `S`.
            if let type = anime?.type?.lowercased(), type == "ova" || type == "tv special" || type == "web" || type == "movie" {
                return Mapped(aid: aid, episode: number.map { String(max($0, 1)) } ?? (anime?.episodeCount == 1 ? nil : "1"), factor: 1)
            }
            return Mapped(aid: aid, episode: "S\(max(number ?? 1, 1))", factor: 1)
        case .movie, .regular:
            guard let number else {
                // A movie's single part, or a one-episode anime.
                if kind == .movie || anime?.isMovie == true || anime?.episodeCount == 1 {
                    return Mapped(aid: aid, episode: nil, factor: 1)
                }
                return Mapped(aid: aid, episode: nil, factor: anime == nil ? 0.95 : 0.85, note: "no episode number")
            }
            if number == 0 { return Mapped(aid: aid, episode: "S1", factor: 0.9, note: "episode 0 taken as the first special") }
            if anime?.isMovie == true, anime?.episodeCount == 1, number == 1 { return Mapped(aid: aid, episode: nil, factor: 1) }
            guard let anime, let count = anime.episodeCount, count > 0, number > count else {
                return Mapped(aid: aid, episode: String(number), factor: 1)
            }
            return absolute(number, from: anime)
        }
    }

    /// Episode `number` counted from the start of the chain that begins at `anime`: walks Sequels, taking each
    /// season's episode count off, until the number fits.
    func absolute(_ number: Int, from anime: CatalogAnime) -> Mapped {
        var remaining = number
        var current = anime
        var visited: Set<Int> = [anime.aid]
        while let count = current.episodeCount, count > 0, remaining > count {
            guard let next = current.sequel, visited.insert(next).inserted else { break }
            guard let nextAnime = catalog.anime[next] else {
                return Mapped(
                    aid: anime.aid,
                    episode: String(number),
                    factor: 0.7,
                    note: "episode \(number) is past the \(count) of \(anime.aid); AniDB's document for \(next) is needed",
                    wanted: next
                )
            }
            if nextAnime.isMovie {
                current = nextAnime
                continue
            }
            remaining -= count
            current = nextAnime
        }
        if remaining <= (current.episodeCount ?? Int.max) || current.episodeCount == 0 {
            return Mapped(
                aid: current.aid,
                episode: String(remaining),
                factor: current.aid == anime.aid ? 1 : 0.97,
                note: current.aid == anime.aid ? nil : "absolute episode \(number)"
            )
        }
        return Mapped(
            aid: anime.aid,
            episode: String(number),
            factor: 0.75,
            note: "episode \(number) is past the last episode AniDB lists"
        )
    }

    /// `07` → 7, `07.5` → 7, `01-02` → 1, `12v2` → 12.
    static func leadingNumber(_ text: String) -> Int? {
        let digits = text.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, digits.count <= 6 else { return nil }
        return Int(digits)
    }
}
