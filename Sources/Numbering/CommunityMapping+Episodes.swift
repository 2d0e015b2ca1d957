extension CommunityMapping {
    /// The AniDB anime and episode that episode `episode` of season `season` of series `series` is, in `numbering`.
    ///
    /// As the list's README defines it: an individual episode mapping wins, then a range mapping (start, end and
    /// offset), then the entry's default season and offset. Among the anime whose default season holds the episode
    /// (split cours: Durarara!!x2 Shou, Ten and Ketsu share TVDB season 2 at offsets 0, 12 and 24), the one starting
    /// last before it is the one, as long as `episodeCount` (regular episodes, when a document tells) does not say it
    /// ended earlier. Season 0 holds the specials. Nil when nothing in the mapping places it.
    public func episode(
        in numbering: ForeignNumbering,
        series: Int,
        season: Int,
        episode: Int,
        episodeCount: (Int) -> Int? = { _ in nil }
    ) -> MappedEpisode? {
        guard episode >= 0 else { return nil }
        let target: EpisodeMappingList.Target = numbering == .tvdb ? .tvdb : .tmdb
        var explicit: [MappedEpisode] = []
        var ranged: [MappedEpisode] = []
        var defaults: [(number: Int, found: MappedEpisode)] = []
        for aid in anime(in: numbering, series: series) {
            guard let entry = entries[aid] else { continue }
            let source = source(aid, numbering)
            for list in entry.mappings where list.seasons[target] == season {
                for pair in list.pairs where pair.targets.contains(episode) {
                    let number = MappedEpisode.anidbEpisode(season: list.anidbSeason, number: pair.anidb)
                    explicit.append(MappedEpisode(aid: aid, episode: number, source: source, rule: "an episode mapping"))
                }
                if list.start != nil || list.end != nil || list.offset != nil {
                    let anidb = episode - (list.offset ?? 0)
                    if anidb >= 1, list.rangeCovers(anidb), !entry.hasPair(anidbSeason: list.anidbSeason, episode: anidb, target: target) {
                        let number = MappedEpisode.anidbEpisode(season: list.anidbSeason, number: anidb)
                        ranged.append(MappedEpisode(aid: aid, episode: number, source: source, rule: "a range mapping"))
                    }
                }
            }
            let (defaultSeason, offset) = numbering == .tvdb ? (entry.tvdbSeason, entry.tvdbOffset) : (entry.tmdbSeason, entry.tmdbOffset)
            guard defaultSeason == .number(season) else { continue }
            let anidb = episode - offset
            guard anidb >= 1, !entry.hasPair(anidbSeason: 1, episode: anidb, target: target),
                !entry.rangeMoves(anidb, target: target)
            else { continue }
            if let count = episodeCount(aid), count > 0, anidb > count { continue }
            let rule = offset == 0 ? "the default season" : "the default season and offset \(offset)"
            defaults.append((anidb, MappedEpisode(aid: aid, episode: String(anidb), source: source, rule: rule)))
        }
        if let found = explicit.first ?? ranged.first { return found }
        // The latest start before the episode: the smallest AniDB number.
        guard var best = defaults.min(by: { $0.number != $1.number ? $0.number < $1.number : $0.found.aid < $1.found.aid }) else {
            return nil
        }
        best.found.alternatives = defaults.filter { $0.number == best.number && $0.found.aid != best.found.aid }.map(\.found.aid)
        return best.found
    }

    /// Absolute episode `number` of a series numbered absolutely (`Series - 1000` under One Piece): the anime whose
    /// default season is `a`, the number less its offset; or, failing that, the range mappings of every season.
    public func absoluteEpisode(in numbering: ForeignNumbering, series: Int, number: Int) -> MappedEpisode? {
        let candidates = anime(in: numbering, series: series).compactMap { aid -> (Int, MappedEpisode)? in
            guard let entry = entries[aid] else { return nil }
            let (defaultSeason, offset) = numbering == .tvdb ? (entry.tvdbSeason, entry.tvdbOffset) : (entry.tmdbSeason, entry.tmdbOffset)
            guard defaultSeason == .absolute else { return nil }
            let anidb = number - offset
            guard anidb >= 1 else { return nil }
            let rule = offset == 0 ? "absolute numbering" : "absolute numbering and offset \(offset)"
            return (anidb, MappedEpisode(aid: aid, episode: String(anidb), source: source(aid, numbering), rule: rule))
        }
        return candidates.min { $0.0 != $1.0 ? $0.0 < $1.0 : $0.1.aid < $1.1.aid }?.1
    }

    /// True when the series numbers its episodes absolutely (an anime of it has the default season `a`).
    public func isAbsolute(_ numbering: ForeignNumbering, series: Int) -> Bool {
        anime(in: numbering, series: series).contains { aid in
            (numbering == .tvdb ? entries[aid]?.tvdbSeason : entries[aid]?.tmdbSeason) == .absolute
        }
    }
}

extension AnimeListEntry {
    /// True when an individual mapping for `numbering` names AniDB episode `episode` of `anidbSeason`: the offsets
    /// then do not apply to it.
    func hasPair(anidbSeason: Int, episode: Int, target: EpisodeMappingList.Target) -> Bool {
        mappings.contains { list in
            list.anidbSeason == anidbSeason && list.seasons[target] != nil && list.pairs.contains { $0.anidb == episode }
        }
    }

    /// True when a range mapping places regular episode `episode` somewhere else than the default season.
    func rangeMoves(_ episode: Int, target: EpisodeMappingList.Target) -> Bool {
        mappings.contains { list in
            list.anidbSeason == 1 && list.seasons[target] != nil && list.rangeCovers(episode)
        }
    }
}
