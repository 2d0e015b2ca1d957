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

    private var strict: [ByteKey: [Int32]] = [:]
    private var plain: [ByteKey: [Int32]] = [:]
    private var compact: [ByteKey: [Int32]] = [:]
    private var titles: [Title] = []
    private var wordIDs: [ByteKey: Int32] = [:]
    private var postings: [[Int32]] = []
    private var idf: [Double] = []
    private var unknownWordIDF = 1.0

    init(_ catalogTitles: [CatalogTitle]) {
        titles.reserveCapacity(catalogTitles.count)
        for title in catalogTitles {
            let key = MatchKey.key(title.text)
            guard !key.isEmpty else { continue }
            let strictKey = ByteKey(key)
            // One entry per anime and key, with the most trusted type among its spellings.
            if let existing = strict[strictKey]?.first(where: { titles[Int($0)].aid == Int32(title.aid) }) {
                titles[Int(existing)].weight = max(titles[Int(existing)].weight, Self.weight(title))
                continue
            }
            let id = Int32(titles.count)
            var words: [Int32] = []
            let parts = ByteKey.parts(of: key)
            for word in parts.words {
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
            strict[strictKey, default: []].append(id)
            plain[parts.plain, default: []].append(id)
            compact[parts.compact, default: []].append(id)
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
        if let ids = strict[ByteKey(key)] { return hits(ids, score: 1) }
        let parts = ByteKey.parts(of: key)
        if let ids = plain[parts.plain] { return hits(ids, score: 0.96) }
        if let ids = compact[parts.compact] { return hits(ids, score: 0.95) }
        return []
    }

    private func hits(_ ids: [Int32], score: Double) -> [Hit] {
        ids.map { Hit(aid: Int(titles[Int($0)].aid), score: score * Double(titles[Int($0)].weight), title: titles[Int($0)].text) }
    }

    /// The titles sharing words with `key`, scored by IDF-weighted Dice; the best per anime, best first.
    func similar(_ key: String, limit: Int = 8) -> [Hit] {
        let queryWords = Array(Set(ByteKey.parts(of: key).words))
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

/// A dictionary key compared and hashed by its UTF-8 bytes. Keys are already folded by `MatchKey`, so byte equality
/// is the equality wanted; `String` hashing would normalise Unicode on every lookup, which made building the index
/// for 110,000 titles several times slower.
struct ByteKey: Hashable, Sendable {
    let bytes: [UInt8]
    let hash: UInt64

    init(_ text: some StringProtocol) { self.init(bytes: Array(text.utf8)) }

    init(bytes: [UInt8]) {
        self.bytes = bytes
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325  // FNV-1a
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        self.hash = hash
    }

    /// A `MatchKey.key`'s words without its marks, its plain form (`MatchKey.plain`) and its compact form
    /// (`MatchKey.compact` of the plain form), split on the bytes in one pass.
    static func parts(of key: String) -> (words: [ByteKey], plain: ByteKey, compact: ByteKey) {
        var words: [ByteKey] = []
        var plain: [UInt8] = []
        var compact: [UInt8] = []
        var word: [UInt8] = []
        func flush() {
            defer { word.removeAll(keepingCapacity: true) }
            guard let first = word.first else { return }
            let isMark =
                first == UInt8(ascii: "!") || first == UInt8(ascii: "?") || word == [UInt8(ascii: "'")]
                || word == [UInt8(ascii: ":")] || word == [0xC2, 0xB0]  // °
            guard !isMark else { return }
            words.append(ByteKey(bytes: word))
            if !plain.isEmpty { plain.append(0x20) }
            plain.append(contentsOf: word)
            compact.append(contentsOf: word)
        }
        for byte in key.utf8 {
            if byte == 0x20 { flush() } else { word.append(byte) }
        }
        flush()
        return (words, ByteKey(bytes: plain), ByteKey(bytes: compact))
    }

    static func == (lhs: ByteKey, rhs: ByteKey) -> Bool { lhs.hash == rhs.hash && lhs.bytes == rhs.bytes }

    func hash(into hasher: inout Hasher) { hasher.combine(hash) }
}
