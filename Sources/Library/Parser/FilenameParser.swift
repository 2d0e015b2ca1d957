/// Parses anime release names (`[Group] Title - 01v2 (1080p) [ABCD1234].mkv`) into Anitomy's elements.
///
/// The approach is Anitomy's: tokenize, mark keywords, then find elements in a fixed order (checksum, resolution,
/// year, season, part, volume, episode, title, release group, episode title), each claiming the tokens it uses so
/// no token serves two elements. Never throws and never loops: every step walks the tokens a bounded number of
/// times, and names longer than `maxScalars` are cut.
public struct FilenameParser: Sendable {
    /// Longer names are cut before parsing (release names are rarely past 250 characters).
    public static let maxScalars = 1024

    public init() {}

    public func parse(_ name: String) -> ParsedFilename {
        var run = FilenameParse(name: Self.cut(name))
        return run.parse()
    }

    static func cut(_ name: String) -> String {
        // A name of at most `maxScalars` bytes has at most as many scalars: no need to count them.
        guard name.utf8.count > maxScalars, name.unicodeScalars.count > maxScalars else { return name }
        var cut = ""
        cut.unicodeScalars.append(contentsOf: name.unicodeScalars.prefix(maxScalars))
        return cut
    }
}

/// One parse: the tokens and what has been found so far.
struct FilenameParse {
    var name: String
    var tokens: [Token] = []
    /// Each token's text, at the token's index.
    var texts: [String] = []
    var result = ParsedFilename()
    /// Index of the first token of the episode, once found (episode titles follow it).
    var episodeIndex: Int?
    /// The tokens the title was taken from.
    var titleRange: Range<Int>?
    var episodeTitleRange: Range<Int>?
    /// The name starts with its episode (`01 - Land of Visible Pain`): what follows is an episode title.
    var leadingEpisode = false
    /// Names with spaces use `_` as a character (`Data_01_Login`); names without them use `-` as a space
    /// (`kimetsu-no-yaiba-episode-25`).
    var hasSpaces = false
    var dashIsSpace = false
    /// Indices of the words, and of the words with a digit: the rules walk these rather than every token (about
    /// half are delimiters and brackets).
    var words: [Int] = []
    var digitWords: [Int] = []
    /// Every word class some word of the name has, and which letters words start with (bit 0: `a`): rules whose
    /// words the name lacks are skipped without walking the tokens.
    var wordClasses: Keywords.WordClass = []
    var wordStarts: UInt32 = 0
    /// Ambiguous type and release-information words outside brackets, recorded last.
    var ambiguous: [Int] = []

    init(name: String) { self.name = name }

    mutating func parse() -> ParsedFilename {
        var body = name
        let utf8 = body.utf8
        // An extension is at most four characters after the last dot: look at the last five bytes only.
        var dotIndex: String.Index?
        var cursor = utf8.endIndex
        for _ in 0..<5 where cursor > utf8.startIndex && dotIndex == nil {
            cursor = utf8.index(before: cursor)
            if utf8[cursor] == UInt8(ascii: ".") { dotIndex = cursor }
        }
        if let dot = dotIndex {
            let ext = String(Substring(utf8[utf8.index(after: dot)...]))
            if Keywords.extensions.contains(ext.lowercased()) {
                result.add(.fileExtension, ext)
                body = String(Substring(utf8[..<dot]))
            }
        }
        let tokenized = Tokenizer.tokenize(body)
        tokens = tokenized.tokens
        texts = tokenized.texts
        var spaces = 0
        var underscores = 0
        var dashes = 0
        var dots = 0
        var mayHaveIdeographicSpace = false
        body.withUTF8 { utf8 in
            for byte in utf8 {
                switch byte {
                case UInt8(ascii: " "): spaces += 1
                case UInt8(ascii: "_"): underscores += 1
                case UInt8(ascii: "-"): dashes += 1
                case UInt8(ascii: "."): dots += 1
                case 0xE3: mayHaveIdeographicSpace = true
                default: break
                }
            }
        }
        // An ideographic space (E3 80 80) counts as a space.
        if mayHaveIdeographicSpace, body.unicodeScalars.contains("\u{3000}") { spaces += 1 }
        hasSpaces = spaces > underscores
        dashIsSpace = spaces == 0 && underscores == 0 && dots == 0 && dashes >= 2
        guard tokens.contains(where: { $0.kind == .word }) else { return result }
        indexDigitWords()
        markKeywords()
        findChecksum()
        findResolution()
        findYear()
        findSeason()
        findReleaseVersion()
        findVolume()
        findEpisode()
        findPart()
        findTitle()
        findReleaseGroup()
        findEpisodeTitle()
        for index in ambiguous where !(episodeTitleRange?.contains(index) ?? false) && index != titleRange?.lowerBound {
            if let keyword = tokens[index].keyword { result.add(keyword.element, texts[index]) }
        }
        dedupeSeasons()
        return result
    }

    // MARK: - Token helpers

    mutating func indexDigitWords() {
        digitWords.removeAll(keepingCapacity: true)
        words.removeAll(keepingCapacity: true)
        words.reserveCapacity(tokens.count)
        digitWords.reserveCapacity(tokens.count / 2)
        wordClasses = []
        wordStarts = 0
        for index in tokens.indices where tokens[index].kind == .word {
            words.append(index)
            if tokens[index].hasDigit { digitWords.append(index) }
            wordClasses.formUnion(tokens[index].wordClass)
            let first = tokens[index].firstByte | 0x20
            if first >= UInt8(ascii: "a") && first <= UInt8(ascii: "z") { wordStarts |= 1 << UInt32(first - UInt8(ascii: "a")) }
        }
    }

    /// Whether some word starts with `letter` (either case): rules that need such a word skip names without one.
    func hasWord(startingWith letter: Unicode.Scalar) -> Bool {
        wordStarts & (1 << (letter.value - UInt32(UInt8(ascii: "a")))) != 0
    }

    /// The token's text lower-cased (a new string only when it has upper-case or non-ASCII letters).
    func lower(_ index: Int) -> String { tokens[index].hasUpper ? texts[index].lowercased() : texts[index] }

    static func isNumber(_ text: String) -> Bool { !text.isEmpty && text.withBytes { $0.allSatisfy { $0 >= 48 && $0 <= 57 } } }

    /// The next word token after `index`, skipping delimiters (and, if asked, brackets).
    func nextWord(after index: Int, crossBrackets: Bool = false) -> Int? {
        var next = index + 1
        while next < tokens.count {
            switch tokens[next].kind {
            case .word: return next
            case .delimiter: next += 1
            case .open, .close:
                guard crossBrackets else { return nil }
                next += 1
            }
        }
        return nil
    }

    func previousWord(before index: Int, crossBrackets: Bool = false) -> Int? {
        var previous = index - 1
        while previous >= 0 {
            switch tokens[previous].kind {
            case .word: return previous
            case .delimiter: previous -= 1
            case .open, .close:
                guard crossBrackets else { return nil }
                previous -= 1
            }
        }
        return nil
    }

    /// True when the word at `index` is the only word between its brackets (`[12]`, `[24（END）]`).
    func isIsolated(_ index: Int) -> Bool {
        guard tokens[index].enclosed else { return false }
        var left = index - 1
        while left >= 0, tokens[left].kind == .delimiter { left -= 1 }
        var right = index + 1
        while right < tokens.count, tokens[right].kind == .delimiter { right += 1 }
        return left >= 0 && tokens[left].kind == .open && right < tokens.count
            && (tokens[right].kind == .close || (tokens[right].kind == .open && texts[left] != "("))
    }

    /// True when the word at `index` has a standalone dash before it (`- 08`, `_-_08`, `.-.08`), not one that joins
    /// two words (`5-2`, `CRF-16`).
    func followsDash(_ index: Int) -> Bool {
        guard index >= 2, tokens[index - 1].kind == .delimiter else { return false }
        var previous = index - 1
        var sawDash = false
        var delimiters = 0
        while previous >= 0, tokens[previous].kind == .delimiter {
            if let scalar = texts[previous].unicodeScalars.first, Delimiters.isDash(scalar) { sawDash = true }
            delimiters += 1
            previous -= 1
        }
        return sawDash && (delimiters >= 2 || previous < 0 || tokens[previous].kind != .word)
    }

    /// `Season 1` and `S01` in one name are one season.
    mutating func dedupeSeasons() {
        let seasons = result[.season]
        guard seasons.count > 1 else { return }
        var seen: Set<Int> = []
        var kept: [String] = []
        for season in seasons where seen.insert(Int(season) ?? -kept.count - 1).inserted { kept.append(season) }
        if kept.count != seasons.count {
            result.remove(.season)
            for season in kept { result.add(.season, season) }
        }
    }

    mutating func claim(_ index: Int, as element: FilenameElement, _ value: String? = nil) {
        tokens[index].claimed = true
        result.add(element, value ?? texts[index])
    }

    // MARK: - Keywords

    mutating func markKeywords() {
        // No keyword is a plain number or longer than 20 bytes: skip those without hashing them.
        for index in words where !tokens[index].isNumber && tokens[index].byteCount <= 20 {
            // `DivX5`, `divx5.2.1`: the codec, with a version number glued on.
            if tokens[index].firstByte | 0x20 == UInt8(ascii: "d"), tokens[index].hasDigit, case let lower = lower(index),
                lower.hasPrefix("divx"), lower.count > 4, lower.dropFirst(4).allSatisfy({ $0.isNumber || $0 == "." })
            {
                claim(index, as: .videoTerm, String(texts[index].prefix(4)))
                continue
            }
            guard let entry = tokens[index].lexeme.keyword else { continue }
            tokens[index].keyword = entry
            if entry.element == .releaseGroup { continue }  // THORA: found as the release group later
            if entry.ambiguous && !tokens[index].enclosed {
                // Left free so it can still be part of a title (`Tokyo ESP`, `One Piece Movie 9`); types and release
                // information are recorded at the end unless they turn out to be an episode title's words.
                if entry.element == .type || entry.element == .releaseInformation { ambiguous.append(index) }
                continue
            }
            claim(index, as: entry.element)
        }
    }
}
