/// Turns what a name says (title, season, year) into candidate anime, best first.
///
/// AniDB gives each season its own aid, so a season is found through titles first (`Title 2`, `Title S2`,
/// `Title 2nd Season`, `Title II`, `Zoku Title`, `Title San`…), then through the Sequel chain of stored
/// documents. A year picks between remakes (`Hunter x Hunter (2011)`): AniDB puts it in the title, and stored
/// documents give start dates.
struct TitleResolver: Sendable {
    let index: TitleIndex
    let catalog: MatchCatalog

    struct Query: Hashable, Sendable {
        var title: String
        var season: Int?
        var year: Int?
        var isMovie: Bool
    }

    struct Resolution: Sendable {
        var candidates: [MatchCandidate]
        /// Aids whose documents would settle what titles could not (a sequel chain to follow).
        var wanted: [Int]
    }

    func resolve(_ query: Query) -> Resolution {
        let base = MatchKey.key(query.title)
        guard !base.isEmpty else { return Resolution(candidates: [], wanted: []) }
        var found: [Int: MatchCandidate] = [:]
        var wanted: [Int] = []
        func consider(_ hits: [TitleIndex.Hit], factor: Double, reason: String) {
            for hit in hits {
                let score = hit.score * factor
                if let existing = found[hit.aid], existing.score >= score { continue }
                found[hit.aid] = MatchCandidate(aid: hit.aid, title: hit.title, score: score, reason: reason)
            }
        }
        let bases = query.year.map { [base + " \($0)", base] } ?? [base]
        let season = query.season ?? 1
        if season >= 2 {
            for (position, stem) in bases.enumerated() {
                for form in Self.seasonForms(stem, season) {
                    consider(index.exact(form), factor: position == 0 ? 1 : 0.97, reason: "season title")
                }
            }
            if found.isEmpty {
                // No title names the season: the first season's Sequel chain, where documents tell it.
                for hit in index.exact(bases[0]) + (bases.count > 1 ? index.exact(base) : []) {
                    switch follow(hit.aid, sequels: season - 1) {
                    case .reached(let aid):
                        consider(
                            [TitleIndex.Hit(aid: aid, score: hit.score, title: catalog.title(of: aid) ?? hit.title)],
                            factor: 0.95,
                            reason: "season \(season) through the sequel chain"
                        )
                    case .needs(let aid):
                        wanted.append(aid)
                        consider([hit], factor: 0.55, reason: "season \(season) unknown until AniDB's document for \(aid) is fetched")
                    }
                }
            }
        } else {
            if let year = query.year {
                consider(index.exact(bases[0]), factor: 1, reason: "title and year")
                consider(
                    index.exact(base).map { hit in
                        var hit = hit
                        hit.score *= yearFactor(hit.aid, year)
                        return hit
                    },
                    factor: 0.98,
                    reason: "title"
                )
            } else {
                consider(index.exact(base), factor: 1, reason: "title")
            }
        }
        // `Oregairu Zoku`, `Title 2nd Season`: the title itself names a season.
        let marked = query.season == nil ? Self.seasonMarker(base) : nil
        if found.isEmpty, let marked {
            for form in Self.seasonForms(marked.stem, marked.season) {
                consider(index.exact(form), factor: 0.98, reason: "season title")
            }
        }
        if found.isEmpty {
            let key = season >= 2 ? Self.seasonForms(base, season)[0] : bases[0]
            consider(index.similar(key), factor: 1, reason: "similar title")
            if season >= 2 || query.year != nil { consider(index.similar(base), factor: 0.9, reason: "similar title") }
            // A name for a later season is unlikely to be a title that names no season at all.
            if season >= 2 || marked != nil {
                for (aid, candidate) in found where Self.seasonMarker(MatchKey.key(candidate.title)) == nil {
                    found[aid]!.score *= 0.85
                }
            }
        }
        var candidates = Array(found.values)
        for position in candidates.indices {
            candidates[position].score *= kindFactor(candidates[position].aid, isMovie: query.isMovie)
        }
        candidates.sort { $0.score != $1.score ? $0.score > $1.score : $0.aid < $1.aid }
        return Resolution(candidates: Array(candidates.prefix(6)), wanted: wanted)
    }

    enum ChainEnd {
        case reached(Int)
        /// The chain needs this aid's document to go on.
        case needs(Int)
    }

    /// Follows `sequels` Sequel steps from `aid`, skipping movies and specials AniDB lists between seasons.
    func follow(_ aid: Int, sequels: Int) -> ChainEnd {
        var current = aid
        var steps = sequels
        var visited: Set<Int> = [aid]
        while steps > 0 {
            guard let anime = catalog.anime[current] else { return .needs(current) }
            guard let next = anime.sequel, visited.insert(next).inserted else { return .needs(current) }
            current = next
            guard let nextAnime = catalog.anime[current] else {
                if steps == 1 { return .reached(current) }
                return .needs(current)
            }
            if !nextAnime.isMovie { steps -= 1 }
        }
        return .reached(current)
    }

    /// A stored start year that differs from the name's year makes a candidate unlikely.
    func yearFactor(_ aid: Int, _ year: Int) -> Double {
        guard let start = catalog.anime[aid]?.startYear else { return 0.94 }
        if start == year { return 1 }
        return abs(start - year) == 1 ? 0.9 : 0.7
    }

    /// A movie name fits a movie better, and a series name fits a series better.
    func kindFactor(_ aid: Int, isMovie: Bool) -> Double {
        guard let anime = catalog.anime[aid], anime.type != nil else { return 1 }
        return anime.isMovie == isMovie ? 1 : 0.9
    }

    /// A season named at the end of a title key: `x zoku`, `x 2`, `x ii`, `x s2`, `x 2nd season`, `x season 2`.
    static func seasonMarker(_ key: String) -> (stem: String, season: Int)? {
        var words = key.split(separator: " ").map(String.init)
        guard words.count >= 2 else { return nil }
        let romans = ["ii": 2, "iii": 3, "iv": 4, "v": 5, "vi": 6]
        let ordinals = ["2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "second": 2, "third": 3, "fourth": 4, "fifth": 5]
        var season: Int?
        let last = words.removeLast()
        if last == "zoku" {
            season = 2
        } else if let number = Int(last), (2...9).contains(number) {
            season = number
        } else if let number = romans[last] {
            season = number
        } else if last.hasPrefix("s"), let number = Int(last.dropFirst()), (2...9).contains(number) {
            season = number
        } else if last == "season", let ordinal = words.last.flatMap({ ordinals[$0] }) {
            words.removeLast()
            season = ordinal
        } else if let number = Int(last), words.last == "season", (2...9).contains(number) {
            words.removeLast()
            season = number
        }
        guard let season, !words.isEmpty else { return nil }
        return (words.joined(separator: " "), season)
    }

    /// The ways release names and AniDB titles name season `season` of `stem`.
    static func seasonForms(_ stem: String, _ season: Int) -> [String] {
        var forms = ["\(stem) \(season)", "\(stem) s\(season)", "\(stem) season \(season)"]
        let ordinals = [2: "2nd", 3: "3rd", 4: "4th", 5: "5th", 6: "6th", 7: "7th", 8: "8th", 9: "9th"]
        let words = [2: "second", 3: "third", 4: "fourth", 5: "fifth", 6: "sixth"]
        let romans = [2: "ii", 3: "iii", 4: "iv", 5: "v", 6: "vi", 7: "vii", 8: "viii"]
        if let ordinal = ordinals[season] { forms += ["\(stem) \(ordinal) season", "\(stem) season \(ordinal)"] }
        if let word = words[season] { forms += ["\(stem) \(word) season"] }
        if let roman = romans[season] { forms += ["\(stem) \(roman)"] }
        forms += ["\(stem) part \(season)"]
        switch season {
        case 2: forms += ["zoku \(stem)", "\(stem) zoku", "\(stem) ni", "shin \(stem)"]
        case 3: forms += ["\(stem) san", "\(stem) zoku 2"]
        case 4: forms += ["\(stem) shi"]
        default: break
        }
        return forms
    }
}

/// One anime a file might be, with how sure the matcher is and why.
public struct MatchCandidate: Sendable, Codable, Equatable {
    public var aid: Int
    /// The AniDB title that matched.
    public var title: String
    public var score: Double
    public var reason: String

    public init(aid: Int, title: String, score: Double, reason: String) {
        self.aid = aid
        self.title = title
        self.score = score
        self.reason = reason
    }
}
