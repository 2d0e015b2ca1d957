import Foundation

/// Every title of every anime, looked up three ways: exactly (by `MatchKey.key`), loosely (marks dropped, spaces
/// ignored) and by shared words (an IDF-weighted Dice score, for names that are near a title but not equal to it).
struct TitleIndex: Sendable {
    struct Hit: Sendable, Equatable {
        var aid: Int
        /// 0…1: how well the name fits this title, times how much the title's type is trusted.
        var score: Double
        /// The AniDB title that matched.
        var title: String
    }

    private struct Title: Sendable {
        var aid: Int32
        var weight: Float
        var words: [Int32]
        var text: String
    }

    private var strict: [String: [Int32]] = [:]
    private var plain: [String: [Int32]] = [:]
    private var compact: [String: [Int32]] = [:]
    private var titles: [Title] = []
    private var wordIDs: [Substring: Int32] = [:]
    private var postings: [[Int32]] = []
    private var idf: [Double] = []
    private var unknownWordIDF = 1.0

    init(_ catalogTitles: [CatalogTitle]) {
        titles.reserveCapacity(catalogTitles.count)
        var seen: [String: Int32] = [:]
        for title in catalogTitles {
            let key = MatchKey.key(title.text)
            guard !key.isEmpty else { continue }
            // One entry per anime and key, with the most trusted type among its spellings.
            if let existing = seen["\(title.aid)\u{0}\(key)"] {
                titles[Int(existing)].weight = max(titles[Int(existing)].weight, Self.weight(title))
                continue
            }
            let id = Int32(titles.count)
            seen["\(title.aid)\u{0}\(key)"] = id
            var words: [Int32] = []
            for word in MatchKey.words(key) {
                let wordID: Int32
                if let known = wordIDs[word] {
                    wordID = known
                } else {
                    wordID = Int32(postings.count)
                    wordIDs[word] = wordID
                    postings.append([])
                }
                if !words.contains(wordID) {
                    words.append(wordID)
                    postings[Int(wordID)].append(id)
                }
            }
            titles.append(Title(aid: Int32(title.aid), weight: Self.weight(title), words: words, text: title.text))
            strict[key, default: []].append(id)
            let plainKey = MatchKey.plain(key)
            plain[plainKey, default: []].append(id)
            compact[MatchKey.compact(plainKey), default: []].append(id)
        }
        let count = Double(max(titles.count, 1))
        idf = postings.map { log(count / Double($0.count)) + 1 }
        unknownWordIDF = log(count) + 1
    }

    var isEmpty: Bool { titles.isEmpty }

    /// How much a title is trusted. Release names use the romanised main title and the English and Japanese ones;
    /// a title official only in another language (`Charlotte` is an Italian title of `Wakakusa no Charlotte`),
    /// a synonym or a short title (`FMAB`, `anohana`) is shared by other anime more often.
    static func weight(_ title: CatalogTitle) -> Float {
        let releaseLanguage = ["x-jat", "en", "ja", "x-unk"].contains(title.language)
        switch title.type {
        case "main": return 1
        case "official": return releaseLanguage ? 1 : 0.96
        case "synonym", "syn": return releaseLanguage ? 0.97 : 0.95
        case "short": return 0.96
        default: return 0.93
        }
    }

    /// Titles equal to `key`: exactly (1.0), without marks (0.96) or without spaces (0.95).
    func exact(_ key: String) -> [Hit] {
        if let ids = strict[key] { return hits(ids, score: 1) }
        let plainKey = MatchKey.plain(key)
        if let ids = plain[plainKey] { return hits(ids, score: 0.96) }
        if let ids = compact[MatchKey.compact(plainKey)] { return hits(ids, score: 0.95) }
        return []
    }

    private func hits(_ ids: [Int32], score: Double) -> [Hit] {
        ids.map { Hit(aid: Int(titles[Int($0)].aid), score: score * Double(titles[Int($0)].weight), title: titles[Int($0)].text) }
    }

    /// The titles sharing words with `key`, scored by IDF-weighted Dice; the best per anime, best first.
    func similar(_ key: String, limit: Int = 8) -> [Hit] {
        let queryWords = Array(Set(MatchKey.words(key)))
        guard !queryWords.isEmpty else { return [] }
        var known: [Int32] = []
        var queryWeight = 0.0
        for word in queryWords {
            if let id = wordIDs[word] {
                known.append(id)
                queryWeight += idf[Int(id)]
            } else {
                queryWeight += unknownWordIDF
            }
        }
        guard !known.isEmpty else { return [] }
        // Candidates come from the rarer words; a word in more than 2 % of titles (`no`, `the`) only adds to the
        // score of titles found through another word, unless the name has nothing rarer.
        let common = max(titles.count / 50, 50)
        var sources = known.filter { postings[Int($0)].count <= common }
        if sources.isEmpty, let rarest = known.min(by: { postings[Int($0)].count < postings[Int($1)].count }) {
            sources = [rarest]
        }
        var candidates = Set<Int32>()
        for word in sources { candidates.formUnion(postings[Int(word)]) }
        let querySet = Set(known)
        var best: [Int32: Hit] = [:]
        for id in candidates {
            let title = titles[Int(id)]
            var shared = 0.0
            var titleWeight = 0.0
            for word in title.words {
                let weight = idf[Int(word)]
                titleWeight += weight
                if querySet.contains(word) { shared += weight }
            }
            let score = 2 * shared / (queryWeight + titleWeight) * Double(title.weight) * 0.97
            if let existing = best[title.aid], existing.score >= score { continue }
            best[title.aid] = Hit(aid: Int(title.aid), score: score, title: title.text)
        }
        return best.values.sorted { $0.score != $1.score ? $0.score > $1.score : $0.aid < $1.aid }.prefix(limit).map { $0 }
    }
}
