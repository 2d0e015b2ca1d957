/// Checksum, resolution, year, season, part and volume.
extension FilenameParse {
    mutating func findChecksum() {
        // The last free token of exactly eight hex digits (Anitomy v2).
        for index in digitWords.reversed() where tokens[index].isFreeWord {
            let text = texts[index]
            guard text.utf8.count == 8, text.utf8.allSatisfy(Self.isHex), text.utf8.contains(where: { $0 >= 48 && $0 <= 57 })
            else { continue }
            claim(index, as: .fileChecksum)
            return
        }
    }

    static func isHex(_ byte: UInt8) -> Bool {
        (byte >= 48 && byte <= 57) || (byte >= 65 && byte <= 70) || (byte >= 97 && byte <= 102)
    }

    /// `1080p`, `720P`, `1080i`, `1280x720`, `1280×720`, `1440x1080p`.
    static func isResolution(_ text: String) -> Bool {
        let bytes = text.utf8
        var index = bytes.startIndex
        var digits = 0
        while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
            digits += 1
            index = bytes.index(after: index)
        }
        guard digits >= 3, digits <= 4, index < bytes.endIndex else { return false }
        let marker = bytes[index] | 0x20
        if marker == UInt8(ascii: "p") || marker == UInt8(ascii: "i") { return bytes.index(after: index) == bytes.endIndex }
        // `x`, `X`, or `×` (C3 97)
        if marker == UInt8(ascii: "x") {
            index = bytes.index(after: index)
        } else if bytes[index] == 0xC3, bytes.index(after: index) < bytes.endIndex, bytes[bytes.index(after: index)] == 0x97 {
            index = bytes.index(index, offsetBy: 2)
        } else {
            return false
        }
        var height = 0
        while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
            height += 1
            index = bytes.index(after: index)
        }
        if index < bytes.endIndex, bytes[index] == UInt8(ascii: "p") { index = bytes.index(after: index) }
        return (3...4).contains(height) && index == bytes.endIndex
    }

    static let bareResolutions: Set<String> = ["480", "576", "720", "1080", "2160"]

    mutating func findResolution() {
        var found = false
        for index in digitWords where tokens[index].isFreeWord && Self.isResolution(texts[index]) {
            if !found { claim(index, as: .videoResolution) } else { tokens[index].claimed = true }
            found = true
        }
        if found { return }
        // A bare 480, 720 or 1080 in brackets (`[720]`, `[BD-1080]`), or just before a source keyword.
        for index in digitWords where tokens[index].isFreeWord && tokens[index].enclosed {
            if Self.bareResolutions.contains(texts[index]) {
                claim(index, as: .videoResolution)
                return
            }
        }
        for index in digitWords where tokens[index].isFreeWord && texts[index] == "1080" {
            if let next = nextWord(after: index), tokens[next].keyword?.element == .source {
                claim(index, as: .videoResolution)
                return
            }
        }
    }

    mutating func findYear() {
        for index in digitWords where tokens[index].isFreeWord {
            let text = texts[index]
            guard text.utf8.count == 4, Self.isNumber(text), let year = Int(text), (1951...2049).contains(year) else { continue }
            // Alone in brackets, alone between two bracket groups, or right before `S01E02`.
            let betweenGroups =
                !tokens[index].enclosed && previousBracket(index) == .close && nextBracket(index) == .open
            var beforeSeason = false
            if let next = nextWord(after: index), Self.seasonEpisode(texts[next]) != nil { beforeSeason = true }
            guard isIsolated(index) || betweenGroups || beforeSeason else { continue }
            claim(index, as: .year)
            return
        }
    }

    func previousBracket(_ index: Int) -> Token.Kind? {
        var previous = index - 1
        while previous >= 0, tokens[previous].kind == .delimiter { previous -= 1 }
        return previous >= 0 && tokens[previous].kind != .word ? tokens[previous].kind : nil
    }

    func nextBracket(_ index: Int) -> Token.Kind? {
        var next = index + 1
        while next < tokens.count, tokens[next].kind == .delimiter { next += 1 }
        return next < tokens.count && tokens[next].kind != .word ? tokens[next].kind : nil
    }

    // MARK: - Season

    /// `S01E02`, `S01E06v2`, `S23E1821`, `2x03`: (season, episode, version).
    static func seasonEpisode(_ text: String) -> (String, String, String?)? {
        let bytes = text.utf8
        guard let first = bytes.first, first | 0x20 == UInt8(ascii: "s") || (first >= 48 && first <= 57) else {
            return nil
        }
        var index = bytes.startIndex
        // 1 to 4 ASCII digits from `index`, as a string.
        func digits() -> String? {
            let start = index
            var count = 0
            while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
                index = bytes.index(after: index)
                count += 1
            }
            return count > 0 && count <= 4 ? String(text[start..<index]) : nil
        }
        if first | 0x20 == UInt8(ascii: "s") {
            index = bytes.index(after: index)
            guard let season = digits(), index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "e") else { return nil }
            index = bytes.index(after: index)
            guard let episode = digits() else { return nil }
            return (season, episode, Self.version(String(text[index...])))
        }
        guard let season = digits(), index < bytes.endIndex, bytes[index] | 0x20 == UInt8(ascii: "x") else { return nil }
        index = bytes.index(after: index)
        guard let episode = digits(), index == bytes.endIndex, season.utf8.count <= 2, Int(season) ?? 0 > 0 else { return nil }
        return (season, episode, nil)
    }

    /// `v2` → "2", `v1.5` → "1.5"; "" → nil; anything else → "!" (not a version).
    static func version(_ rest: String) -> String? {
        let bytes = rest.utf8
        guard let first = bytes.first else { return nil }
        guard first | 0x20 == UInt8(ascii: "v") else { return "!" }
        let value = bytes.dropFirst()
        guard !value.isEmpty, value.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == UInt8(ascii: ".") }) else { return "!" }
        return String(rest.dropFirst())
    }

    static func seasonNumber(_ text: String) -> String? {
        // `S2`, `S01`
        let bytes = text.utf8
        guard (2...3).contains(bytes.count), let first = bytes.first, first | 0x20 == UInt8(ascii: "s") else { return nil }
        let digits = bytes.dropFirst()
        guard digits.allSatisfy({ $0 >= 48 && $0 <= 57 }), !digits.elementsEqual("0".utf8) else { return nil }
        return String(text.dropFirst())
    }

    mutating func findSeason() {
        for index in words where tokens[index].isFreeWord {
            // Every season form has a digit, starts with s/S, or is not ASCII (`第2期`): skip the rest unread.
            let first = tokens[index].firstByte
            guard tokens[index].hasDigit || first | 0x20 == UInt8(ascii: "s") || first >= 0x80 else { continue }
            let text = texts[index]
            if tokens[index].hasDigit, let (season, episode, version) = Self.seasonEpisode(text), version != "!" {
                claim(index, as: .season, season)
                result.add(.episode, episode)
                if let version { result.add(.releaseVersion, version) }
                episodeIndex = index
                // `S01E01-Senpai is a bit …`: the name starts with it, so what follows is the episode's title.
                if index == 0 { leadingEpisode = true }
                continue
            }
            if tokens[index].hasDigit, let season = Self.seasonNumber(text) {
                // `S01-S03`, `S01-05`, `S01+S02+S03`: joined without spaces (`S2 - 09` is a season and an episode).
                claim(index, as: .season, season)
                var cursor = index
                while cursor + 2 < tokens.count, tokens[cursor + 1].kind == .delimiter,
                    texts[cursor + 1] == "-" || texts[cursor + 1] == "+", tokens[cursor + 2].isFreeWord
                {
                    let next = cursor + 2
                    if let more = Self.seasonNumber(texts[next]) {
                        claim(next, as: .season, more)
                    } else if texts[cursor + 1] == "-", tokens[next].isNumber, tokens[next].byteCount <= 2 {
                        claim(next, as: .season, texts[next])
                    } else {
                        break
                    }
                    cursor = next
                }
                continue
            }
            if tokens[index].wordClass.contains(.seasonWord) {
                // `2nd Season`, `Second Season`
                if let previous = previousWord(before: index), tokens[previous].isFreeWord,
                    let ordinal = tokens[previous].ordinal
                {
                    tokens[index].claimed = true
                    claim(previous, as: .season, String(ordinal))
                    continue
                }
                // `Season 2`, `saison 2`, `Season II` (spaces only between: `Season - 01` is no season 1)
                if let next = nextWord(after: index), tokens[next].isFreeWord, onlySpaces(between: index, and: next) {
                    let value = texts[next]
                    if Self.isNumber(value) && value.count <= 2 {
                        tokens[index].claimed = true
                        claim(next, as: .season, value)
                        continue
                    }
                    if let roman = Self.roman(value) {
                        tokens[index].claimed = true
                        claim(next, as: .season, String(roman))
                        continue
                    }
                }
            }
            if tokens[index].firstByte >= 0x80, text.hasPrefix("第"), text.hasSuffix("期") {
                let digits = text.dropFirst().dropLast()
                if !digits.isEmpty, digits.allSatisfy(\.isNumber) { claim(index, as: .season, String(digits)) }
            }
        }
    }

    func onlySpaces(between first: Int, and second: Int) -> Bool {
        ((first + 1)..<second).allSatisfy { tokens[$0].kind == .delimiter && Delimiters.isSpaceLike(texts[$0].unicodeScalars.first!) }
    }

    /// The text of the last non-space delimiter right after `index` (`-` in `01 - 02`), if any.
    func delimiterAfter(_ index: Int) -> String? {
        var next = index + 1
        var found: Int?
        while next < tokens.count, tokens[next].kind == .delimiter {
            if !Delimiters.isSpaceLike(texts[next].unicodeScalars.first!) { found = next }
            next += 1
        }
        return found.map { texts[$0] }
    }

    static let romans = ["I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6, "VII": 7, "VIII": 8, "IX": 9, "X": 10]

    static func roman(_ text: String) -> Int? {
        romans[text]
    }

    // MARK: - Part

    mutating func findPart() {
        guard !wordClasses.isDisjoint(with: [.courOrPart, .partWord]) || hasWord(startingWith: "p") else { return }
        for index in words where tokens[index].isFreeWord && tokens[index].byteCount <= 5 {
            // An episode title may say `Part 2`; only a part before the episode, or in brackets, is the release's.
            if let episodeIndex, index > episodeIndex, !tokens[index].enclosed { continue }
            let wordClass = tokens[index].wordClass
            if wordClass.contains(.courOrPart), let previous = previousWord(before: index), tokens[previous].isFreeWord,
                let ordinal = tokens[previous].ordinal
            {
                tokens[index].claimed = true
                claim(previous, as: .part, String(ordinal))
                return
            }
            if wordClass.contains(.partWord), let next = nextWord(after: index), tokens[next].isFreeWord,
                tokens[next].isNumber, tokens[next].byteCount <= 2, onlySpaces(between: index, and: next)
            {
                tokens[index].claimed = true
                claim(next, as: .part)
                return
            }
            // `P2` next to a season (`S3 P2`, `S04.P2`)
            if tokens[index].byteCount == 2, tokens[index].firstByte | 0x20 == UInt8(ascii: "p"), tokens[index].hasDigit,
                let previous = previousWord(before: index), tokens[previous].claimed, result.first(.season) != nil
            {
                claim(index, as: .part, String(texts[index].dropFirst()))
                return
            }
        }
    }

    // MARK: - Volume

    mutating func findVolume() {
        guard wordClasses.contains(.volumePrefix) || hasWord(startingWith: "v") else { return }
        for index in words where tokens[index].isFreeWord {
            // `Vol.1`, glued by the tokenizer.
            if tokens[index].firstByte | 0x20 == UInt8(ascii: "v"), tokens[index].byteCount > 4, tokens[index].hasDigit,
                lower(index).hasPrefix("vol."), let (number, version) = Self.numberAndVersion(String(texts[index].dropFirst(4)))
            {
                claim(index, as: .volume, number)
                if let version { result.add(.releaseVersion, version) }
                if let joiner = delimiterAfter(index), joiner == "&" || joiner == "+",
                    let more = nextWord(after: index), tokens[more].isFreeWord, tokens[more].isNumber
                {
                    claim(more, as: .volume)
                }
                continue
            }
            guard tokens[index].wordClass.contains(.volumePrefix),
                let next = nextWord(after: index), tokens[next].isFreeWord
            else { continue }
            let text = texts[next]
            if let (number, version) = Self.numberAndVersion(text) {
                tokens[index].claimed = true
                claim(next, as: .volume, number)
                if let version { result.add(.releaseVersion, version) }
                // `Vol.1&2`
                if let joiner = delimiterAfter(next), joiner == "&" || joiner == "+",
                    let more = nextWord(after: next), tokens[more].isFreeWord, tokens[more].isNumber
                {
                    claim(more, as: .volume)
                }
            }
        }
    }

    /// `01`, `01v2`, `1v2` → (number, version).
    static func numberAndVersion(_ text: String) -> (String, String?)? {
        let bytes = text.utf8
        var index = bytes.startIndex
        var count = 0
        while index < bytes.endIndex, bytes[index] >= 48, bytes[index] <= 57 {
            index = bytes.index(after: index)
            count += 1
        }
        guard count > 0, count <= 4 else { return nil }
        let number = String(text[..<index])
        if index == bytes.endIndex { return (number, nil) }
        guard let version = Self.version(String(text[index...])), version != "!" else { return nil }
        return (number, version)
    }
}
