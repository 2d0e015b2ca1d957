import Foundation
import Numbering

/// Links library files to AniDB anime and episodes.
///
/// Works from the titles (the daily dump and stored documents) and the stored documents only; it never asks
/// AniDB for anything itself. What documents would settle is listed in `MatchRun.wanted` for the app to queue
/// with the mirror, within the mirror's limits.
public struct Matcher: Sendable {
    public let catalog: MatchCatalog
    let index: TitleIndex
    let resolver: TitleResolver
    let episodes: EpisodeMapper
    let placer: MappingPlacer
    let parser = FilenameParser()

    public init(catalog: MatchCatalog) {
        self.catalog = catalog
        index = TitleIndex(catalog.titles)
        resolver = TitleResolver(index: index, catalog: catalog)
        episodes = EpisodeMapper(catalog: catalog)
        placer = MappingPlacer(catalog: catalog, resolver: resolver)
    }

    /// True when there is no title at all to match against (no titles dump yet, no documents).
    public var hasNoTitles: Bool { index.isEmpty }

    /// Matches every file. Synchronous CPU work: call it off the cooperative pool.
    public func match(
        _ files: [LibraryFile],
        overrides: MatchOverrides = MatchOverrides(),
        minConfidence: Double,
        progress: ((Int, Int) -> Void)? = nil
    ) -> MatchRun {
        let started = Date()
        var resolutions: [TitleResolver.Query: TitleResolver.Resolution] = [:]
        var folders: [String: FolderContext] = [:]
        var wanted: [Int] = []
        var wantedSet = Set<Int>()
        func want(_ aid: Int) { if wantedSet.insert(aid).inserted { wanted.append(aid) } }
        var matches: [FileMatch] = []
        matches.reserveCapacity(files.count)
        for (done, file) in files.enumerated() {
            if done % 500 == 0 { progress?(done, files.count) }
            let folderPath = String(file.path[..<(file.path.lastIndex(of: "/") ?? file.path.endIndex)])
            let folder: FolderContext
            if let known = folders[folderPath] {
                folder = known
            } else {
                folder = FolderContext(path: file.path, root: file.root, parser: parser)
                folders[folderPath] = folder
            }
            var facts = FileFacts(file, folder: folder)
            if let hint = file.hint { facts.take(hint) }
            var candidates: [MatchCandidate] = []
            // `Shingeki no Kyojin - OAD 02`: when the title with its type is an anime of its own, that is the one.
            var typedAids = Set<Int>()
            if let typed = facts.typedTitle {
                candidates = index.exact(MatchKey.key(typed)).map {
                    MatchCandidate(aid: $0.aid, title: $0.title, score: $0.score, reason: "title with its type")
                }
                typedAids = Set(candidates.map(\.aid))
            }
            for query in facts.queries {
                let resolution: TitleResolver.Resolution
                if let known = resolutions[query] {
                    resolution = known
                } else {
                    resolution = resolver.resolve(query)
                    resolutions[query] = resolution
                }
                resolution.wanted.forEach(want)
                // Beside an anime named with its type, the series itself is only a fallback.
                let found =
                    typedAids.isEmpty
                    ? resolution.candidates
                    : resolution.candidates.map { candidate in
                        var candidate = candidate
                        candidate.score *= typedAids.contains(candidate.aid) ? 1 : 0.9
                        return candidate
                    }
                candidates = Self.merge(candidates, found)
            }

            if let best = candidates.first, typedAids.contains(best.aid) { facts.kind = .regular }
            let tags = file.hint?.tags ?? ProviderTags.of(path: file.path, root: file.root)
            let chosenByHand = overrides.files[file.id] != nil || file.seriesId.map { overrides.series[$0] != nil } == true
            if !chosenByHand, var placed = placer.place(facts, tags: tags, titleBest: candidates.first) {
                if let hint = file.hint {
                    let said = "as \(hint.source.capitalized) imported it"
                    placed.note = placed.note.map { $0 + "; " + said } ?? said
                }
                matches.append(Self.result(file, placed, candidates: candidates, tags: tags, minConfidence: minConfidence))
                continue
            }
            var match = decide(file, facts: facts, candidates: candidates, overrides: overrides, minConfidence: minConfidence)
            if let mapped = match.wanted { want(mapped) }
            if !tags.garbage.isEmpty {
                let note = "ignored \(tags.garbage.joined(separator: ", ")): not an id"
                match.result.note = match.result.note.map { $0 + "; " + note } ?? note
            }
            matches.append(match.result)
        }
        // Documents for matched anime let episodes be checked and relations be reported.
        for match in matches where match.applied {
            if let aid = match.aid, catalog.anime[aid] == nil { want(aid) }
        }
        progress?(files.count, files.count)
        return MatchRun(matches: matches, wanted: wanted, seconds: Date().timeIntervalSince(started))
    }

    /// The match the community mapping made, with the title's candidates kept for a person to compare.
    static func result(
        _ file: LibraryFile,
        _ placed: MappingPlacer.Placement,
        candidates: [MatchCandidate],
        tags: ProviderTags,
        minConfidence: Double
    ) -> FileMatch {
        let reason = placed.numbering.map { $0.place + " through " + $0.source.rawValue } ?? "its own title, in a tagged folder"
        let title = placed.numbering?.summary ?? candidates.first { $0.aid == placed.aid }?.title ?? "anime \(placed.aid)"
        let mapped = MatchCandidate(aid: placed.aid, title: title, score: placed.confidence, reason: reason)
        var notes = placed.note.map { [$0] } ?? []
        if !tags.garbage.isEmpty { notes.append("ignored \(tags.garbage.joined(separator: ", ")): not an id") }
        return FileMatch(
            fileId: file.id,
            path: file.path,
            aid: placed.aid,
            episode: placed.episode,
            confidence: placed.confidence,
            source: .auto,
            applied: placed.confidence >= minConfidence,
            candidates: [mapped] + candidates.filter { $0.aid != placed.aid }.prefix(5),
            note: notes.isEmpty ? nil : notes.joined(separator: "; "),
            method: placed.method,
            numbering: placed.numbering
        )
    }

    private func decide(
        _ file: LibraryFile,
        facts: FileFacts,
        candidates found: [MatchCandidate],
        overrides: MatchOverrides,
        minConfidence: Double
    ) -> (result: FileMatch, wanted: Int?) {
        var candidates = found
        func result(
            _ mapped: EpisodeMapper.Mapped?,
            confidence: Double,
            source: FileMatch.Source,
            note: String?
        )
            -> (result: FileMatch, wanted: Int?)
        {
            let chained = mapped.map { $0.aid != candidates.first?.aid } == true || candidates.first?.reason.contains("sequel chain") == true
            let match = FileMatch(
                fileId: file.id,
                path: file.path,
                aid: mapped?.aid,
                episode: mapped?.episode,
                confidence: confidence,
                source: source,
                applied: mapped != nil && (source != .auto || confidence >= minConfidence),
                candidates: candidates,
                note: note,
                method: source != .auto ? .manual : chained ? .sequel : .title
            )
            return (match, mapped?.wanted)
        }
        if let manual = overrides.files[file.id] {
            let mapped =
                manual.episode.map { EpisodeMapper.Mapped(aid: manual.aid, episode: $0, factor: 1) }
                ?? episodes.map(aid: manual.aid, episode: facts.episode, kind: facts.kind)
            return result(mapped, confidence: 1, source: .file, note: nil)
        }
        if let seriesID = file.seriesId, let aid = overrides.series[seriesID] {
            let mapped = episodes.map(aid: aid, episode: facts.episode, kind: facts.kind)
            return result(mapped, confidence: 1, source: .series, note: mapped.note)
        }
        guard var best = candidates.first else {
            let note = facts.queries.isEmpty ? "no title in the name or its folders" : "no title like it"
            return result(nil, confidence: 0, source: .auto, note: note)
        }
        var notes: [String] = []
        // `Mirai Nikki - 26`: two anime share the title; the document of the first says it has one episode, the
        // other's that it has 26. The episode number picks between close candidates when documents can tell.
        if facts.kind == .regular, let number = facts.episode.flatMap(EpisodeMapper.leadingNumber),
            let count = catalog.anime[best.aid]?.episodeCount, count > 0, number > count,
            let fitting = candidates.dropFirst().first(where: {
                best.score - $0.score < 0.1 && (catalog.anime[$0.aid]?.episodeCount ?? 0) >= number
            })
        {
            notes.append("episode \(number) is past the \(count) of \(best.aid)")
            best = fitting
            candidates = [fitting] + candidates.filter { $0.aid != fitting.aid }
        }
        var confidence = best.score
        if let second = candidates.first(where: { $0.aid != best.aid }) {
            let gap = best.score - second.score
            if gap < 0.02 {
                confidence *= 0.75
                notes.append("\(second.aid) fits as well")
            } else if gap < 0.06 {
                confidence *= 0.93
            }
        }
        let mapped = episodes.map(aid: best.aid, episode: facts.episode, kind: facts.kind)
        confidence *= mapped.factor
        if let note = mapped.note { notes.append(note) }
        confidence = (confidence * 1000).rounded() / 1000
        return result(mapped, confidence: confidence, source: .auto, note: notes.isEmpty ? nil : notes.joined(separator: "; "))
    }

    /// Both lists' candidates, each aid once with its best score, best first.
    static func merge(_ first: [MatchCandidate], _ second: [MatchCandidate]) -> [MatchCandidate] {
        guard !first.isEmpty else { return second }
        guard !second.isEmpty else { return first }
        var best: [Int: MatchCandidate] = [:]
        for candidate in first + second {
            if let existing = best[candidate.aid], existing.score >= candidate.score { continue }
            best[candidate.aid] = candidate
        }
        return best.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.aid < $1.aid }.prefix(6).map { $0 }
    }
}

/// What a file's name and folders say, in the matcher's terms.
struct FileFacts {
    /// `Haikyuu!! - OVA`, `Clannad - Special`: the parser leaves a type after a dash in the title; the anime's
    /// title is what comes before it.
    static func withoutTrailingType(_ title: String, _ types: [String]) -> String {
        for type in types where !type.isEmpty && title.count > type.count {
            guard title.lowercased().hasSuffix(type.lowercased()) else { continue }
            // Only after a dash: in `K-ON! The Movie` the type word is part of the title.
            let stem = title.dropLast(type.count).trimmingCharacters(in: .whitespaces)
            guard stem.hasSuffix("-") else { continue }
            let trimmed = stem.trimmingCharacters(in: CharacterSet(charactersIn: " -_.~"))
            if !trimmed.isEmpty { return trimmed }
        }
        return title
    }

    var queries: [TitleResolver.Query] = []
    /// The file's own title and its folder's, as the name has them (for the community mapping's anchor).
    var title: String?
    var folderTitle: String?
    var year: Int?
    /// The season from the name (`S02E13`) or else from a `Season 02` folder; `seasonInName` says which.
    var season: Int?
    var seasonInName: Bool
    /// The season that goes with the episode number: the last one the name gives (`Title 1st Season - S02E02` reads
    /// seasons 1 and 2; the `S02` is the file's).
    var numberingSeason: Int?
    /// The title with its type word (`Shingeki no Kyojin OAD`, `Clannad Movie`), which AniDB may use for an anime of
    /// its own; its episodes are then regular ones.
    var typedTitle: String?
    var episode: String?
    var kind: EpisodeMapper.Kind

    /// What Sonarr or Radarr said the file is replaces what its name says: the season and episode of an episode
    /// file, or that it is a movie.
    mutating func take(_ hint: FileHint) {
        if let season = hint.season, let number = hint.episodes.first {
            self.season = season
            numberingSeason = season
            seasonInName = true
            episode = String(number)
            kind = season == 0 ? .special : .regular
        } else if hint.tmdb != nil || hint.imdb != nil {
            episode = nil
            kind = .movie
        }
    }

    init(_ file: LibraryFile, folder: FolderContext) {
        func values(_ element: FilenameElement) -> [String] {
            switch file.parsed[element.rawValue] {
            case .one(let text): [text]
            case .many(let list): list
            case nil: []
            }
        }
        let types = values(.type)
        kind = EpisodeMapper.kind(types: types, folderSeason: folder.season)
        episode = values(.episode).first
        let isMovie = kind == .movie
        let year = values(.year).first.flatMap { Int($0) } ?? folder.year.flatMap { Int($0) }
        let season = values(.season).first.flatMap { Int($0) } ?? folder.season.flatMap { Int($0) }
        self.season = season
        self.year = year
        seasonInName = values(.season).first.flatMap { Int($0) } != nil
        numberingSeason = values(.season).last.flatMap { Int($0) } ?? folder.season.flatMap { Int($0) }
        folderTitle = folder.title
        var seen = Set<String>()
        if var title = values(.title).first ?? file.title, !title.isEmpty {
            title = Self.withoutTrailingType(title, types)
            if kind == .special || kind == .movie,
                let type = types.first(where: { !title.lowercased().hasSuffix($0.lowercased()) })
            {
                typedTitle = title + " " + type
            }
            seen.insert(MatchKey.key(title))
            self.title = title
            queries.append(.init(title: title, season: season, year: year, isMovie: isMovie))
        }
        if let title = folder.title, seen.insert(MatchKey.key(title)).inserted {
            let folderYear = folder.year.flatMap { Int($0) } ?? year
            queries.append(.init(title: title, season: folder.season.flatMap { Int($0) } ?? season, year: folderYear, isMovie: isMovie))
        }
    }
}
