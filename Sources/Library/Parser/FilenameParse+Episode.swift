/// Episode numbers, in Anitomy's order of rules: the first rule that matches wins.
extension FilenameParse {
    /// Prefixes glued to an episode number (`EP05`, `E05v2`, `#01`), longest first.
    static let gluedPrefixes = ["episode", "ep.", "ep", "e", "#"]

    mutating func findEpisode() {
        guard result.first(.episode) == nil else {
            findBracketedEpisodeAlternative()
            return
        }
        if findLeadingEpisode() || findPrefixedEpisode() || findEpisodeOfTotal() || findTypedEpisode() || findVersionedOrFractional()
            || findSeparatedEpisode() || findRange(anywhere: true) || findIsolatedEpisode() || findLastNumber()
        {
            return
        }
    }

    /// `01 - Land of Visible Pain`, `05 - Hidan no Aria - Butei Charter Article 1`: a number first, then a dash.
    mutating func findLeadingEpisode() -> Bool {
        guard tokens.count > 2, tokens[0].isFreeWord else { return false }
        var number = 0
        // `Ep. 01 - The Boy in the Iceberg`
        if tokens[0].wordClass.contains(.episodePrefix), let next = nextWord(after: 0) {
            number = next
        }
        guard tokens[number].isFreeWord, tokens[number].isNumber, tokens[number].byteCount <= 4,
            let next = nextWord(after: number), followsDash(next)
        else { return false }
        tokens[0].claimed = true
        takeEpisode(number, texts[number])
        leadingEpisode = true
        return true
    }

    /// `S06E32 … [Episode 83]`: the absolute number in brackets is the alternative numbering.
    mutating func findBracketedEpisodeAlternative() {
        for index in words where tokens[index].isFreeWord && tokens[index].enclosed {
            guard tokens[index].wordClass.contains(.episodePrefix), let next = nextWord(after: index),
                tokens[next].isFreeWord, tokens[next].isNumber, let value = Int(texts[next]),
                let current = result.first(.episode).flatMap({ Int($0) })
            else { continue }
            tokens[index].claimed = true
            tokens[next].claimed = true
            if value > current {
                result.add(.episodeAlt, texts[next])
            } else if value == current {
                result.set(.episode, texts[next])
            }
            return
        }
    }

    func isCandidate(_ index: Int) -> Bool {
        guard tokens[index].isFreeWord else { return false }
        if let previous = previousWord(before: index), !tokens[previous].claimed,
            tokens[previous].wordClass.contains(.notBeforeEpisode), onlySpaces(between: previous, and: index)
        {
            return false
        }
        return true
    }

    /// Records an episode number and, if the next bracket holds only a number, the alternative numbering.
    mutating func takeEpisode(_ index: Int, _ number: String, version: String? = nil) {
        claim(index, as: .episode, number)
        if let version { result.add(.releaseVersion, version) }
        if episodeIndex == nil { episodeIndex = index }
    }

    // MARK: Rules

    /// `Episode 5`, `Ep.5`, `EP05`, `E05v2`, `Ep07.5`, `ep. 1-5`, `E01-E02`, `#01v2`, `#1-4`, `第01話`, `01話`.
    mutating func findPrefixedEpisode() -> Bool {
        for index in words where tokens[index].isFreeWord {
            let isPrefix = tokens[index].wordClass.contains(.episodePrefix)
            let first = tokens[index].firstByte
            // Glued prefixes come with a digit (`EP05`, `#01`); `話` is not ASCII.
            let mayBeGlued = tokens[index].hasDigit && (first | 0x20 == UInt8(ascii: "e") || first == UInt8(ascii: "#"))
            let mayBeCounted = !tokens[index].isASCII && texts[index].hasSuffix("話")
            guard isPrefix || mayBeGlued || mayBeCounted, isCandidate(index) else { continue }
            let text = texts[index]
            if isPrefix && tokens[index].byteCount > 1 {
                guard let next = nextWord(after: index), tokens[next].isFreeWord,
                    let (number, version) = Self.episodeBody(texts[next])
                else { continue }
                tokens[index].claimed = true
                takeEpisode(next, number, version: version)
                _ = continueRange(from: next, prefixed: true)
                return true
            }
            if mayBeGlued {
                let lower = lower(index)
                for prefix in Self.gluedPrefixes where lower.hasPrefix(prefix) && lower.utf8.count > prefix.utf8.count {
                    let body = String(text.dropFirst(prefix.count))
                    guard body.first?.isNumber == true, let (number, version) = Self.episodeBody(body) else { continue }
                    takeEpisode(index, number, version: version)
                    _ = continueRange(from: index, prefixed: true)
                    return true
                }
            }
            if mayBeCounted {
                var body = text.dropLast()
                if body.hasPrefix("第") { body = body.dropFirst() }
                if !body.isEmpty, body.allSatisfy(\.isNumber) {
                    takeEpisode(index, String(body))
                    return true
                }
            }
        }
        return false
    }

    /// `01`, `01v2`, `07.5`, `4a` → (number, version).
    static func episodeBody(_ text: String) -> (String, String?)? {
        let bytes = text.utf8
        if bytes.last == UInt8(ascii: ":"), bytes.count > 1 { return episodeBody(String(text.dropLast())) }
        if let (number, version) = numberAndVersion(text) { return (number, version) }
        if let number = fractional(text) { return (number, nil) }
        if let number = partial(text) { return (number, nil) }
        // `06v1.5`
        guard bytes.contains(where: { $0 | 0x20 == UInt8(ascii: "v") }) else { return nil }
        if let v = text.firstIndex(where: { $0 == "v" || $0 == "V" }), text[..<v].allSatisfy(\.isNumber),
            !text[..<v].isEmpty, let version = version(String(text[v...])), version != "!"
        {
            return (String(text[..<v]), version)
        }
        return nil
    }

    /// `07.5`, `02.5`, `04.1`, `3.5`
    static func fractional(_ text: String) -> String? {
        // One dot, 1 to 4 ASCII digits before it and one after.
        let bytes = text.utf8
        guard bytes.count >= 3, bytes.count <= 6, let dot = bytes.firstIndex(of: UInt8(ascii: ".")) else { return nil }
        let before = bytes[..<dot]
        let after = bytes[bytes.index(after: dot)...]
        guard (1...4).contains(before.count), after.count == 1,
            before.allSatisfy({ $0 >= 48 && $0 <= 57 }), after.allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        return text
    }

    /// `4a`, `111C`, `01b`
    static func partial(_ text: String) -> String? {
        let bytes = text.utf8
        guard let last = bytes.last, (UInt8(ascii: "a")...UInt8(ascii: "c")).contains(last | 0x20), last < 0x80 else { return nil }
        let digits = bytes.dropLast()
        guard (1...4).contains(digits.count), digits.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return text
    }

    /// After an episode at `index`: `-02`, `~ 12`, `-E02`, `+02` make a range.
    @discardableResult
    mutating func continueRange(from index: Int, prefixed: Bool) -> Bool {
        guard let joiner = delimiterAfter(index), Delimiters.isRangeJoiner(joiner),
            let next = nextWord(after: index), tokens[next].isFreeWord
        else { return false }
        // `01-02` and `01+02` join tightly; `01 ~ 12`, `8 & 10` may have spaces; `11 - 511` is an episode and a title.
        if joiner != "~" && joiner != "&" && next - index != 2 { return false }
        var text = texts[next]
        if prefixed, text.lowercased().hasPrefix("e") || text.hasPrefix("#") { text = String(text.dropFirst()) }
        guard let (number, version) = Self.episodeBody(text), let first = Double(result[.episode].last ?? ""),
            let second = Double(number), first < second
        else { return false }
        claim(next, as: .episode, number)
        if let version { result.add(.releaseVersion, version) }
        return true
    }

    /// `01 of 24`, `[20_of_25]`
    mutating func findEpisodeOfTotal() -> Bool {
        guard wordClasses.contains(.of) else { return false }
        for index in words where tokens[index].isFreeWord && tokens[index].wordClass.contains(.of) {
            guard let previous = previousWord(before: index), isCandidate(previous), tokens[previous].isNumber,
                let next = nextWord(after: index), tokens[next].isFreeWord, tokens[next].isNumber
            else { continue }
            takeEpisode(previous, texts[previous])
            tokens[index].claimed = true
            tokens[next].claimed = true
            return true
        }
        return false
    }

    /// `ED2`, `OVA3.5`, `OP4a`, `NCOP1a`, `SP01`, `EX01`, `OVA_01`: the type stays a word (it may end a title).
    mutating func findTypedEpisode() -> Bool {
        for index in digitWords where tokens[index].isFreeWord && !tokens[index].isNumber {
            let text = texts[index]
            guard let digit = text.firstIndex(where: \.isNumber), digit != text.startIndex else { continue }
            let type = String(text[..<digit])
            let episodeOnly = Keywords.episodeOnlyTypes.contains(type.lowercased())
            guard let entry = episodeOnly ? Keywords.Entry(element: .type, ambiguous: true) : Keywords.table[type.lowercased()],
                entry.element == .type,
                let (number, version) = Self.episodeBody(String(text[digit...]))
            else { continue }
            let numberText = String(text[digit...])
            var typeToken = tokens[index]
            typeToken.measure(type)
            typeToken.keyword = entry
            typeToken.claimed = !entry.ambiguous
            var numberToken = tokens[index]
            numberToken.measure(numberText)
            numberToken.keyword = nil
            tokens[index] = typeToken
            texts[index] = type
            tokens.insert(numberToken, at: index + 1)
            texts.insert(numberText, at: index + 1)
            // Indices noted so far move with the insertion.
            ambiguous = ambiguous.map { $0 > index ? $0 + 1 : $0 }
            indexDigitWords()
            if let episodeIndex, episodeIndex > index { self.episodeIndex = episodeIndex + 1 }
            if !episodeOnly { result.add(.type, type) }
            takeEpisode(index + 1, number, version: version)
            return true
        }
        // `OVA_01`, `OVA - 01`: a number right after an ambiguous type word.
        for index in words where tokens[index].isFreeWord && tokens[index].keyword?.element == .type {
            guard let next = nextWord(after: index), tokens[next].isFreeWord, !tokens[next].enclosed,
                let (number, version) = Self.episodeBody(texts[next]), number.count <= 3,
                tokens[index].byteCount <= 3
            else { continue }
            takeEpisode(next, number, version: version)
            return true
        }
        return false
    }

    /// `01v2`, `13v0`, `04V2`, `02.5`, `111C`, `09a`.
    mutating func findVersionedOrFractional() -> Bool {
        for index in digitWords where !tokens[index].isNumber && isCandidate(index) {
            let text = texts[index]
            if let (number, version) = Self.numberAndVersion(text), let version {
                takeEpisode(index, number, version: version)
                continueRange(from: index, prefixed: false)
                return true
            }
            if let number = Self.fractional(text) ?? Self.partial(text), followsDash(index) || !tokens[index].enclosed {
                // A fractional number inside a title (`Evangelion 1.11`, `Memories Off 3.5`) is no episode:
                // only take one that follows a dash, or ends the unbracketed words.
                if Self.fractional(text) != nil && !followsDash(index) && !endsUnbracketedRun(index) { continue }
                takeEpisode(index, number)
                return true
            }
        }
        return false
    }

    /// True when no free unenclosed word follows `index` before a bracket or the end.
    func endsUnbracketedRun(_ index: Int) -> Bool {
        guard let next = nextWord(after: index) else { return true }
        return tokens[next].claimed
    }

    /// `- 08`, `- 01 ~ 12`, `- 316-317`, `- 29 (04)`.
    mutating func findSeparatedEpisode() -> Bool {
        for index in digitWords
        where tokens[index].isNumber && !tokens[index].enclosed && isCandidate(index) && followsDash(index) {
            let text = texts[index]
            guard Self.isNumber(text), text.count <= 4 else { continue }
            // `- 100 Years Quest - 01`: a number that starts words is part of a title (`- 25 END` is not words).
            if let next = nextWord(after: index), tokens[next].isFreeWord, tokens[next].keyword == nil,
                onlySpaces(between: index, and: next)
            {
                continue
            }
            takeEpisode(index, text)
            if !continueRange(from: index, prefixed: false) { findAlternative(after: index) }
            return true
        }
        return false
    }

    /// `29 (04)`: the smaller number is the episode, the larger the alternative numbering.
    mutating func findAlternative(after index: Int) {
        guard let next = nextWord(after: index, crossBrackets: true), tokens[next].isFreeWord,
            tokens[next].enclosed, isIsolated(next), tokens[next].isNumber,
            let first = Int(texts[index]), let second = Int(texts[next])
        else { return }
        tokens[next].claimed = true
        if second < first {
            result.set(.episode, texts[next])
            result.add(.episodeAlt, texts[index])
        } else {
            result.add(.episodeAlt, texts[next])
        }
    }

    /// `13-15`, `1-13`, `01+02`, `01 ~ 12` outside a title's own numbers (the lower must be below the upper).
    mutating func findRange(anywhere: Bool) -> Bool {
        for index in digitWords where tokens[index].isNumber && isCandidate(index) {
            guard tokens[index].byteCount <= 4, let joiner = delimiterAfter(index),
                Delimiters.isRangeJoiner(joiner), let next = nextWord(after: index), tokens[next].isFreeWord,
                joiner == "~" || joiner == "&" || next - index == 2,
                let (upper, _) = Self.episodeBody(texts[next]), let low = Int(texts[index]),
                let high = Int(upper), low < high
            else { continue }
            // `5-2`, `009-1` fail the order test and stay in the title.
            takeEpisode(index, texts[index])
            continueRange(from: index, prefixed: false)
            return true
        }
        return false
    }

    /// `[12]`, `(9)`
    mutating func findIsolatedEpisode() -> Bool {
        for index in digitWords where isCandidate(index) {
            let betweenGroups =
                !tokens[index].enclosed && previousBracket(index) == .close && nextBracket(index) == .open
            guard isIsolated(index) || betweenGroups else { continue }
            guard let (number, version) = Self.episodeBody(texts[index]), Int(number).map({ $0 < 1900 }) ?? true
            else { continue }
            takeEpisode(index, number, version: version)
            return true
        }
        return false
    }

    /// The last unbracketed number that is not the first word (`Bleach 225`, `Eve no Jikan 2`).
    mutating func findLastNumber() -> Bool {
        let firstWord = tokens.firstIndex { $0.kind == .word && !$0.enclosed }
        for index in digitWords.reversed() where tokens[index].isNumber && !tokens[index].enclosed && isCandidate(index) {
            guard index != firstWord, tokens[index].isNumber, tokens[index].byteCount <= 4 else { continue }
            // `Kiddy Grade 2 - Pilot`, `Byousoku 5 Centimeter`: a number followed by more title words is the title's,
            // except in dotted scene names (`The.Animatrix.08.A.Detective.Story`).
            if let next = nextWord(after: index), tokens[next].isFreeWord {
                let dotted = texts[index - 1] == "." && texts[index + 1] == "." && !hasSpaces
                if !dotted { continue }
            }
            // `CRF-16`: glued to a word by a dash.
            if index >= 1, tokens[index - 1].kind == .delimiter, Delimiters.isDash(texts[index - 1].unicodeScalars.first!),
                index >= 2, tokens[index - 2].kind == .word
            {
                continue
            }
            guard let value = Int(texts[index]), value < 1900 || texts[index].count < 4 else { continue }
            takeEpisode(index, texts[index])
            return true
        }
        return false
    }

    // MARK: Part and version

    mutating func findReleaseVersion() {
        // `V3`, `(v2)`, `[V0]`, `THORA v2`
        guard result.first(.releaseVersion) == nil, hasWord(startingWith: "v") else { return }
        for index in words where tokens[index].isFreeWord && tokens[index].firstByte | 0x20 == UInt8(ascii: "v") {
            let text = texts[index]
            guard tokens[index].byteCount >= 2, let version = Self.version(text), version != "!"
            else { continue }
            claim(index, as: .releaseVersion, version)
            return
        }
    }
}
