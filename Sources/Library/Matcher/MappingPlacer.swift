import Numbering

/// Places files named in TVDB or TMDB numbering (Sonarr, Plex and Jellyfin layouts) through the community mapping:
/// `Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13.mkv` is TVDB season 2 episode 13, which the
/// mapping makes AniDB's Durarara!!x2 Ten, episode 1.
///
/// The series comes from a tag (`{tvdb-N}`, `{tmdb-N}`, `{imdb-tt…}`), exact; or, for a name with a season, from the
/// title: the anime the title names, when the mapping puts it in a TVDB series.
struct MappingPlacer: Sendable {
    let catalog: MatchCatalog
    let resolver: TitleResolver

    struct Placement {
        var aid: Int
        var episode: String?
        var method: FileMatch.Method
        /// Nil when the name turned out to be in AniDB's own numbering after all.
        var numbering: MatchNumbering?
        var confidence: Double
        var note: String?
    }

    var mapping: CommunityMapping { catalog.mapping }

    func place(_ facts: FileFacts, tags: ProviderTags, titleBest: MatchCandidate?) -> Placement? {
        guard !mapping.isEmpty else { return nil }
        let number = facts.episode.flatMap(EpisodeMapper.leadingNumber)
        let hasSeasonEpisode = facts.numberingSeason != nil && number != nil
        // Movies: `Movie (Year) {tmdb-N}` or `{imdb-tt…}`, or any name without an episode that carries such a tag.
        if !hasSeasonEpisode || facts.kind == .movie {
            if let imdb = tags.imdb, let hit = mapping.anime(imdb: imdb).first {
                return movie(hit, scheme: "imdb", id: imdb, facts: facts, tags: tags, titleBest: titleBest)
            }
            if let tmdb = tags.tmdb, let hit = mapping.anime(tmdbMovie: tmdb).first, mapping.anime(in: .tmdb, series: tmdb).isEmpty || number == nil {
                return movie(hit, scheme: "tmdb", id: String(tmdb), facts: facts, tags: tags, titleBest: titleBest)
            }
        }
        guard let number else { return nil }
        let series: (numbering: ForeignNumbering, id: Int, anchor: MatchCandidate?)
        if let tvdb = tags.tvdb, !mapping.anime(in: .tvdb, series: tvdb).isEmpty {
            series = (.tvdb, tvdb, nil)
        } else if let tmdb = tags.tmdb, !mapping.anime(in: .tmdb, series: tmdb).isEmpty {
            series = (.tmdb, tmdb, nil)
        } else if tags.tvdb == nil, tags.tmdb == nil, facts.numberingSeason != nil, let anchor = anchor(facts),
            let tvdb = mapping.series(of: anchor.aid, in: .tvdb)
        {
            series = (.tvdb, tvdb, anchor)
        } else {
            return nil
        }
        let counts: (Int) -> Int? = { catalog.anime[$0]?.episodeCount }
        let found: MappedEpisode?
        let season: Int?
        if let fileSeason = facts.numberingSeason ?? (facts.kind == .special ? 0 : nil) {
            season = fileSeason
            found = mapping.episode(in: series.numbering, series: series.id, season: fileSeason, episode: number, episodeCount: counts)
        } else if mapping.isAbsolute(series.numbering, series: series.id) {
            season = nil
            found = mapping.absoluteEpisode(in: series.numbering, series: series.id, number: number)
        } else {
            // `Series {tvdb-N}/Series - 05.mkv`: a series numbered by season, named without one, is in its first.
            season = 1
            found = mapping.episode(in: series.numbering, series: series.id, season: 1, episode: number, episodeCount: counts)
        }
        guard let found else { return nil }
        // A fansub name inside a tagged folder (`Season 02/[Group] Durarara!!x2 Ten - 01.mkv`) is numbered by AniDB:
        // its own title names an anime of the same series, so the folder's season says nothing about the number.
        if !facts.seasonInName, let title = facts.title,
            let own = resolver.resolve(.init(title: title, season: nil, year: nil, isMovie: false)).candidates.first,
            own.score >= 0.95, own.aid != found.aid, mapping.series(of: own.aid, in: series.numbering) == series.id
        {
            return Placement(
                aid: own.aid,
                episode: String(number),
                method: .title,
                numbering: nil,
                confidence: own.score,
                note: "the name's own title is \(own.title), numbered as AniDB numbers it (inside \(series.numbering.label) series \(series.id))"
            )
        }
        let numbering = MatchNumbering(
            scheme: series.numbering.rawValue,
            id: String(series.id),
            season: season,
            episode: number,
            source: found.source,
            rule: found.rule,
            summary: ""
        )
        var notes: [String] = []
        var confidence = series.anchor.map { min(1, $0.score) * 0.98 } ?? 1
        if !found.alternatives.isEmpty {
            // Never a guess: the mapping puts several anime at this episode; a person picks (or corrects the mapping).
            confidence = min(confidence, 0.75)
            let others = found.alternatives.map { "\(catalog.title(of: $0) ?? "anime \($0)") (\($0))" }.joined(separator: ", ")
            notes.append("the mapping puts \(others) at the same \(series.numbering.label) episode")
        }
        if series.anchor == nil, let conflict = conflict(tags: tags, series: series.id, numbering: series.numbering, titleBest: titleBest) {
            notes.append(conflict)
        }
        var placement = Placement(
            aid: found.aid,
            episode: episodeText(found.episode, aid: found.aid),
            method: series.anchor == nil ? .tag : .mapping,
            numbering: numbering,
            confidence: confidence,
            note: notes.isEmpty ? nil : notes.joined(separator: "; ")
        )
        let text = summary(placement)
        placement.numbering?.summary = text
        return placement
    }

    /// The anime the name's title (or its folder's) names, looked up without the season: the series' first anime.
    func anchor(_ facts: FileFacts) -> MatchCandidate? {
        for title in [facts.title, facts.folderTitle].compactMap({ $0 }) {
            let resolution = resolver.resolve(.init(title: title, season: nil, year: facts.year, isMovie: false))
            // Only a title AniDB has (a near miss such as `Mobile Suit Gundam` for `Mobile Suit Gundam 00` is no anchor),
            // and only one: two anime fitting as well in different series leave the numbering unknown.
            guard let best = resolution.candidates.first, best.score >= 0.9, best.reason != "similar title",
                let series = mapping.series(of: best.aid, in: .tvdb)
            else { continue }
            let rivals = resolution.candidates.dropFirst().filter { best.score - $0.score < 0.02 }
            if rivals.allSatisfy({ mapping.series(of: $0.aid, in: .tvdb) == series }) { return best }
        }
        return nil
    }

    private func movie(
        _ hit: (aid: Int, part: Int, of: Int),
        scheme: String,
        id: String,
        facts: FileFacts,
        tags: ProviderTags,
        titleBest: MatchCandidate?
    ) -> Placement {
        // An entry with several movie ids (a film in parts) has one AniDB episode per id.
        let episode = hit.of > 1 ? String(hit.part + 1) : nil
        let source = mapping.tmdbSource[hit.aid] ?? .animeLists
        var placement = Placement(
            aid: hit.aid,
            episode: episode,
            method: .tag,
            numbering: MatchNumbering(scheme: scheme, id: id, season: nil, episode: nil, source: source, rule: "the movie's id", summary: ""),
            confidence: 1,
            note: nil
        )
        if let titleBest, titleBest.score >= 0.95, titleBest.aid != hit.aid {
            placement.note =
                "the tag \(scheme)-\(id) names \(catalog.title(of: hit.aid) ?? "anime \(hit.aid)"); the title reads as \(titleBest.title) (\(titleBest.aid)): the tag wins"
        }
        let text = summary(placement)
        placement.numbering?.summary = text
        return placement
    }

    /// When the title names an anime of another series than the tag, say so: the tag wins, but a person should know.
    private func conflict(tags: ProviderTags, series: Int, numbering: ForeignNumbering, titleBest: MatchCandidate?) -> String? {
        guard let titleBest, titleBest.score >= 0.9 else { return nil }
        let titleSeries = mapping.series(of: titleBest.aid, in: numbering)
        guard titleSeries != series else { return nil }
        let label = numbering.label
        let other = titleSeries.map { "\(label) \($0)" } ?? "no \(label) series"
        return "the tag names \(label) series \(series); the title reads as \(titleBest.title) (\(titleBest.aid), \(other)): the tag wins"
    }

    /// A movie's single part has no episode, as elsewhere in the matcher.
    private func episodeText(_ episode: String, aid: Int) -> String? {
        if episode == "1", let anime = catalog.anime[aid], anime.isMovie, (anime.episodeCount ?? 1) <= 1 { return nil }
        return episode
    }

    /// `episode 1`, `special 1`, `credit 2`, `trailer 1`.
    static func episodeName(_ number: String) -> String {
        let kinds: [Character: String] = ["S": "special", "C": "credit", "T": "trailer", "P": "parody", "O": "other"]
        guard let first = number.first, let kind = kinds[first] else { return "episode \(number)" }
        return "\(kind) \(number.dropFirst())"
    }

    private func summary(_ placement: Placement) -> String {
        let title = catalog.title(of: placement.aid) ?? "anime \(placement.aid)"
        let episode = placement.episode.map { ", " + Self.episodeName($0) } ?? ""
        guard let numbering = placement.numbering else { return title + episode }
        return "\(numbering.place) → \(title)\(episode) (\(numbering.source.rawValue))"
    }
}
