/// Title, release group and episode title: the free text that is left.
extension FilenameParse {
    static func hasLetterOrDigit(_ text: String) -> Bool {
        // ASCII letters and digits are answered from the bytes; Unicode properties only for the rest.
        let (found, ascii) = text.withBytes { utf8 -> (Bool, Bool) in
            var ascii = true
            for byte in utf8 {
                if byte >= 0x80 {
                    ascii = false
                } else if (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z")) || (byte >= 48 && byte <= 57) {
                    return (true, ascii)
                }
            }
            return (false, ascii)
        }
        return found || (!ascii && text.unicodeScalars.contains { $0.properties.isAlphabetic })
    }

    static func isMostlyLatin(_ text: String) -> Bool {
        if text.withBytes({ $0.allSatisfy { $0 < 0x80 } }) { return true }
        let letters = text.unicodeScalars.filter { $0.properties.isAlphabetic }
        guard !letters.isEmpty else { return true }
        return letters.filter(\.isASCII).count * 2 >= letters.count
    }

    /// Joins tokens the way a title reads: space-like delimiters (and dots between words) become one space,
    /// other delimiters and brackets stay as they are.
    func join(_ range: Range<Int>) -> String {
        var out = ""
        var endsWithSpace = false
        for index in range {
            if tokens[index].kind == .delimiter, let scalar = texts[index].unicodeScalars.first,
                (Delimiters.isSpaceLike(scalar) && !(scalar == "_" && hasSpaces && keepsUnderscore(index)))
                    || (scalar == "." && !isEllipsis(index)) || (dashIsSpace && scalar == "-")
            {
                if !endsWithSpace { out += " " }
                endsWithSpace = true
            } else {
                out += texts[index]
                endsWithSpace = texts[index].utf8.last == UInt8(ascii: " ")
            }
        }
        return Self.trimTitle(out)
    }

    /// In a name with spaces, `_` between words is a character (`Data_01_Login`), except between single
    /// characters (`Ranma 1_2`).
    func keepsUnderscore(_ index: Int) -> Bool {
        guard index > 0, index + 1 < tokens.count else { return false }
        return !(texts[index - 1].count == 1 && texts[index + 1].count == 1)
    }

    /// A dot next to another dot (`...`) is punctuation, not a separator.
    func isEllipsis(_ index: Int) -> Bool {
        (index > 0 && texts[index - 1] == "." && tokens[index - 1].kind == .delimiter)
            || (index + 1 < tokens.count && texts[index + 1] == "." && tokens[index + 1].kind == .delimiter)
    }

    static func trimTitle(_ text: String) -> String {
        let scalars = text.unicodeScalars
        var start = scalars.startIndex
        var end = scalars.endIndex
        while start < end, scalars[start] == " " || Delimiters.isDash(scalars[start]) { start = scalars.index(after: start) }
        while start < end {
            let last = scalars[scalars.index(before: end)]
            guard last == " " || Delimiters.isDash(last) else { break }
            end = scalars.index(before: end)
        }
        if start == scalars.startIndex && end == scalars.endIndex { return text }
        return String(text[start..<end])
    }

    /// From `start`, the free run of tokens up to the next claimed token (or closing bracket, when enclosed).
    func run(from start: Int, enclosedOnly: Bool) -> Range<Int> {
        var end = start
        var depth = 0
        while end < tokens.count {
            let kind = tokens[end].kind
            if kind == .word && tokens[end].claimed { break }
            if enclosedOnly {
                // Inside a bracket group, nested pairs belong to the run (`[Evangelion 3.0 You Can (Not) Redo]`).
                if kind == .open {
                    if !tokens[start].enclosed { break }
                    depth += 1
                }
                if kind == .close {
                    if depth == 0 { break }
                    depth -= 1
                }
            }
            end += 1
        }
        // Trailing delimiters are not part of it (`Citrus+Episode`), but `~` closes a subtitle (`~Fam~`) and an
        // ellipsis stays (`I.Am....1080p`: the last dot separates).
        while end > start, tokens[end - 1].kind == .delimiter, texts[end - 1] != "~" {
            if texts[end - 1] == ".", end - 3 > start, texts[end - 2] == ".", texts[end - 3] == "." {
                end -= 1
                if end - 4 >= start, texts[end - 4] != "." { break }
                continue
            }
            end -= 1
        }
        return start..<end
    }

    mutating func findTitle() {
        // The first free word outside brackets…
        var start = tokens.indices.first {
            tokens[$0].isFreeWord && !tokens[$0].enclosed && Self.hasLetterOrDigit(texts[$0])
        }
        // `37 [Ruberia]_Death_Note`, `EvoBot.[Watakushi]_Akuma_no_Riddle`: a stray word, then the group, then the title.
        if let first = start, first == 0 || tokens[..<first].allSatisfy({ $0.kind == .delimiter }),
            nextBracket(first) == .open, let after = closeOfGroup(startingAfter: first),
            let title = tokens[(after + 1)...].indices.first(where: {
                tokens[$0].isFreeWord && !tokens[$0].enclosed && Self.hasLetterOrDigit(texts[$0])
            }), title == nextWord(after: after, crossBrackets: false) ?? -1
        {
            start = title
        }
        if leadingEpisode, let first = start {
            // What follows a leading episode: `Title - Episode title`, or only an episode title.
            let range = run(from: first, enclosedOnly: true)
            if let dash = range.first(where: {
                tokens[$0].kind == .delimiter && texts[$0] == "-" && followsDash(nextWord(after: $0) ?? $0) && $0 > first
            }),
                let next = nextWord(after: dash), range.contains(next)
            {
                let titleRange = first..<dash
                result.add(.title, join(titleRange))
                for index in titleRange where tokens[index].kind == .word { tokens[index].claimed = true }
                self.titleRange = titleRange
                let episodeRange = run(from: next, enclosedOnly: true)
                result.add(.episodeTitle, join(episodeRange))
                for index in episodeRange where tokens[index].kind == .word { tokens[index].claimed = true }
            } else {
                result.add(.episodeTitle, join(range))
                for index in range where tokens[index].kind == .word { tokens[index].claimed = true }
            }
            return
        }
        var enclosed = false
        if start == nil {
            // …else the first free word in a later bracket group, skipping a leading non-Latin group.
            var groups: [Int] = []
            for index in words where tokens[index].isFreeWord && Self.hasLetterOrDigit(texts[index]) {
                if !groups.contains(tokens[index].group) { groups.append(tokens[index].group) }
            }
            // A bracket never closed (`[Anime`) holds no title.
            groups.removeAll { group in !tokens.contains { $0.group == group && $0.kind == .close } }
            // `[Group][Title][01]`: the second of two adjacent groups; `[Title][07]…[encoded by X]`: the first.
            let adjacent = groups.count > 1 && groupsAreAdjacent(groups[0], groups[1])
            let candidates = adjacent ? Array(groups.dropFirst()) : groups
            let group =
                candidates.first { group in
                    tokens.indices.filter { tokens[$0].group == group && tokens[$0].isFreeWord }
                        .allSatisfy { Self.isMostlyLatin(texts[$0]) }
                } ?? candidates.first
            start = tokens.indices.first { tokens[$0].group == group && tokens[$0].isFreeWord }
            enclosed = true
        }
        guard let start else { return }
        var range = run(from: start, enclosedOnly: enclosed)
        // An opening bracket left unmatched in the run: the title ends before it.
        var depth: [Int] = []
        for index in range {
            if tokens[index].kind == .open { depth.append(index) }
            if tokens[index].kind == .close, !depth.isEmpty { depth.removeLast() }
        }
        if let unmatched = depth.first { range = range.lowerBound..<unmatched }
        // A `[...]` or `{...}` group at the end is not part of the title (`(...)` is: `(TV)`, `(Not)`).
        while let last = lastNonDelimiter(in: range), tokens[last].kind == .close, texts[last] != ")",
            let open = matchingOpen(last), open > range.lowerBound
        {
            range = range.lowerBound..<open
        }
        let title = join(range)
        guard !title.isEmpty else { return }
        for index in range where tokens[index].kind == .word { tokens[index].claimed = true }
        result.add(.title, title)
        titleRange = range
    }

    func groupsAreAdjacent(_ first: Int, _ second: Int) -> Bool {
        guard let close = tokens.indices.last(where: { tokens[$0].group == first && tokens[$0].kind == .close }),
            let open = tokens.indices.first(where: { tokens[$0].group == second && tokens[$0].kind == .open }), open > close
        else { return false }
        return ((close + 1)..<open).allSatisfy { tokens[$0].kind == .delimiter || !Self.hasLetterOrDigit(texts[$0]) }
    }

    /// The index of the closing bracket of the group that opens right after `index`.
    func closeOfGroup(startingAfter index: Int) -> Int? {
        var open = index + 1
        while open < tokens.count, tokens[open].kind == .delimiter { open += 1 }
        guard open < tokens.count, tokens[open].kind == .open else { return nil }
        let group = tokens[open].group
        return tokens.indices.last { tokens[$0].group == group && tokens[$0].kind == .close }
    }

    func lastNonDelimiter(in range: Range<Int>) -> Int? {
        range.reversed().first { tokens[$0].kind != .delimiter }
    }

    func matchingOpen(_ close: Int) -> Int? {
        var depth = 0
        for index in stride(from: close, through: 0, by: -1) {
            if tokens[index].kind == .close { depth += 1 }
            if tokens[index].kind == .open {
                depth -= 1
                if depth == 0 { return index }
            }
        }
        return nil
    }

    // MARK: - Release group

    mutating func findReleaseGroup() {
        if let thora = tokens.indices.first(where: { tokens[$0].keyword?.element == .releaseGroup && !tokens[$0].enclosed }) {
            claim(thora, as: .releaseGroup)
            return
        }
        let titleStart = titleRange?.lowerBound ?? tokens.count
        // A bracket group before the title: `[Group] Title`.
        for index in tokens.indices where index < titleStart && tokens[index].kind == .open {
            if let group = groupRun(afterOpen: index) {
                result.add(.releaseGroup, group)
                return
            }
        }
        // Scene style: `…x264-Group`.
        if let scene = sceneGroup() {
            claim(scene, as: .releaseGroup)
            return
        }
        // Else the last free bracket group after the title.
        for index in tokens.indices.reversed() where index >= titleStart && tokens[index].kind == .open {
            if let group = groupRun(afterOpen: index) {
                result.add(.releaseGroup, group)
                return
            }
        }
    }

    /// The free words right after an opening bracket up to its closing bracket (or up to a comma followed only by
    /// claimed words: `(Central Anime, 720p)`), claimed and joined verbatim.
    mutating func groupRun(afterOpen open: Int) -> String? {
        var end = open + 1
        var words = 0
        var depth = 0
        while end < tokens.count {
            let token = tokens[end]
            if token.kind == .word {
                guard token.isFreeWord else { break }
                words += 1
            } else if token.kind == .open {
                depth += 1  // `[(´• ω •`)]`
            } else if token.kind == .close {
                if depth == 0 { break }
                depth -= 1
            }
            end += 1
        }
        // `[&]`: a group named by a delimiter alone.
        if words == 0, end == open + 2, end < tokens.count, tokens[end].kind == .close, texts[open + 1] != " " {
            return texts[open + 1]
        }
        guard words > 0, end < tokens.count else { return nil }
        var last = end
        if tokens[end].kind != .close {
            // Only a comma may end it early, with nothing free after it in the bracket.
            guard texts[end - 1] == "," || (end >= 2 && texts[end - 2] == ",") else { return nil }
            var check = end
            while check < tokens.count, tokens[check].kind != .close {
                if tokens[check].isFreeWord { return nil }
                check += 1
            }
            while last > open + 1, tokens[last - 1].kind == .delimiter { last -= 1 }
        }
        var text = texts[(open + 1)..<last].joined()
        // `Varies_&_Cuba77_&_AnimeReactor_RU`: underscores around other delimiters were spaces.
        if text.utf8.contains(UInt8(ascii: "_")), text.contains("_&_") || text.contains("_+_") {
            text = text.replacingUnderscores()
        }
        for index in (open + 1)..<last where tokens[index].kind == .word { tokens[index].claimed = true }
        return text
    }

    /// `…x264-Group` at the end (before any brackets): the last free word, right after a dash that follows a word.
    func sceneGroup() -> Int? {
        guard let last = tokens.indices.last(where: { tokens[$0].kind == .word && !tokens[$0].enclosed }),
            tokens[last].isFreeWord, last >= 2, tokens[last - 1].kind == .delimiter, texts[last - 1] == "-",
            tokens[last - 2].kind == .word || tokens[last - 2].kind == .close
        else { return nil }
        return last
    }

    // MARK: - Episode title

    mutating func findEpisodeTitle() {
        guard let episodeIndex else { return }
        if leadingEpisode { return }
        var start = episodeIndex + 1
        // Skip delimiters and a claimed version (`S00E01.v2.Drifters…`).
        while start < tokens.count,
            tokens[start].kind == .delimiter
                || (tokens[start].claimed && Self.version(texts[start]).map { $0 != "!" } == true)
        {
            start += 1
        }
        // `第01話 「魔女と花嫁」`
        if start < tokens.count, tokens[start].kind == .open, texts[start] == "「" {
            let range = run(from: start + 1, enclosedOnly: true)
            let title = join(range)
            if !title.isEmpty {
                for index in range where tokens[index].kind == .word { tokens[index].claimed = true }
                result.add(.episodeTitle, title)
                episodeTitleRange = range
            }
            return
        }
        guard start < tokens.count, tokens[start].isFreeWord, !tokens[start].enclosed, Self.hasLetterOrDigit(texts[start])
        else { return }
        let range = run(from: start, enclosedOnly: true)
        let words = range.filter { tokens[$0].kind == .word }
        // Nothing but keywords (`Preview`, `END`) is no title.
        if words.allSatisfy({ tokens[$0].keyword != nil }) { return }
        let title = join(range)
        guard !title.isEmpty else { return }
        for index in words { tokens[index].claimed = true }
        result.add(.episodeTitle, title)
        episodeTitleRange = range
    }
}

extension String {
    fileprivate func replacingUnderscores() -> String {
        String(unicodeScalars.map { $0 == "_" ? " " : Character($0) })
    }
}
