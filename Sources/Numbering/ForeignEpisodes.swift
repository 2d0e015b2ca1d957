import Foundation

/// An AniDB anime's regular episodes as numbered in a TVDB (or TMDB) series: what to monitor in Sonarr so that
/// it fetches exactly that anime (a split cour is TVDB S02E13–24, not all of season 2).
public struct ForeignEpisodes: Sendable, Equatable {
    /// One episode: `season` nil for an absolute number.
    public struct Episode: Sendable, Hashable, Comparable, CustomStringConvertible {
        public var season: Int?
        public var number: Int

        public init(season: Int?, number: Int) {
            self.season = season
            self.number = number
        }

        public static func < (left: Episode, right: Episode) -> Bool {
            (left.season ?? -1, left.number) < (right.season ?? -1, right.number)
        }

        public var description: String {
            season.map { "S\(String(format: "%02d", $0))E\(String(format: "%02d", number))" } ?? "episode \(number) (absolute)"
        }
    }

    public var numbering: ForeignNumbering
    public var series: Int
    public var episodes: [Episode]
    /// Set when the anime's length is unknown (no document, no later cour in the same season): every episode of
    /// this season after this number belongs to it as well.
    public var rest: Episode?

    /// `S02E13–S02E24`, `S01E01–S01E12 and S02E01`, `S02E25 onwards`.
    public var summary: String {
        var parts: [String] = []
        var run: [Episode] = []
        func flush() {
            guard let first = run.first, let last = run.last else { return }
            parts.append(first == last ? first.description : "\(first)–\(last)")
            run = []
        }
        for episode in episodes.sorted() {
            if let last = run.last, last.season == episode.season, last.number + 1 == episode.number {
                run.append(episode)
            } else {
                flush()
                run = [episode]
            }
        }
        flush()
        if let rest { parts.append("\(Episode(season: rest.season, number: rest.number + 1)) onwards") }
        return parts.joined(separator: ", ")
    }
}

extension CommunityMapping {
    /// Where AniDB anime `aid`'s regular episodes 1…`episodeCount` sit in its TVDB (or TMDB) series: episode mappings
    /// first, then range mappings, then the default season and offset, as `episode(in:…)` reads them the other way.
    /// Without a count, the anime runs until the next anime whose default place is later in the same season, or, if
    /// none, to the end of the season (`rest`). Nil when the mapping puts the anime in no series.
    public func foreignEpisodes(of aid: Int, in numbering: ForeignNumbering, episodeCount: Int?) -> ForeignEpisodes? {
        guard let entry = entries[aid], let series = numbering == .tvdb ? entry.tvdb.id : entry.tmdbTV else { return nil }
        let target: EpisodeMappingList.Target = numbering == .tvdb ? .tvdb : .tmdb
        let (defaultSeason, offset) = numbering == .tvdb ? (entry.tvdbSeason, entry.tvdbOffset) : (entry.tmdbSeason, entry.tmdbOffset)
        var count = episodeCount.flatMap { $0 > 0 ? $0 : nil }
        var rest: ForeignEpisodes.Episode?
        if count == nil, case .number(let season)? = defaultSeason {
            let later = anime(in: numbering, series: series).compactMap { other -> Int? in
                guard other != aid, let sibling = entries[other] else { return nil }
                let (place, start) = numbering == .tvdb ? (sibling.tvdbSeason, sibling.tvdbOffset) : (sibling.tmdbSeason, sibling.tmdbOffset)
                return place == .number(season) && start > offset ? start : nil
            }
            if let next = later.min() {
                count = next - offset
            } else {
                rest = .init(season: season, number: offset)
            }
        }
        let listed = entry.mappings.filter { $0.anidbSeason == 1 && $0.seasons[target] != nil }
        let last = max(count ?? 0, listed.flatMap { $0.pairs.map(\.anidb) }.max() ?? 0, listed.compactMap(\.end).max() ?? 0)
        var episodes: [ForeignEpisodes.Episode] = []
        for number in stride(from: 1, through: last, by: 1) {
            if let list = listed.first(where: { $0.pairs.contains { $0.anidb == number } }), let season = list.seasons[target],
                let pair = list.pairs.first(where: { $0.anidb == number })
            {
                episodes += pair.targets.map { .init(season: season, number: $0) }
            } else if let list = listed.first(where: { $0.rangeCovers(number) }), let season = list.seasons[target] {
                episodes.append(.init(season: season, number: number + (list.offset ?? 0)))
            } else if count.map({ number <= $0 }) ?? false {
                switch defaultSeason {
                case .number(let season): episodes.append(.init(season: season, number: number + offset))
                case .absolute: episodes.append(.init(season: nil, number: number + offset))
                case nil: continue
                }
            }
        }
        if count == nil, rest == nil, case .absolute? = defaultSeason { rest = .init(season: nil, number: offset) }
        guard !episodes.isEmpty || rest != nil else { return nil }
        return ForeignEpisodes(numbering: numbering, series: series, episodes: Array(Set(episodes)).sorted(), rest: rest)
    }
}
