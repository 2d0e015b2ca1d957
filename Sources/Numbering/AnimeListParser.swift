internal import CXML2

/// Reads Anime-Lists' `anime-list-master.xml`, streaming, and refuses the whole file on the first thing that is not
/// what its README defines: a file that is not well-formed (a truncated download), another root, an entry without an
/// AniDB id, a type word the list does not use, a number out of range.
public enum AnimeListParser {
    /// The words `tvdbid` holds for titles that will never be on TheTVDB, lowercased.
    public static let typeWords: Set<String> = ["movie", "ova", "hentai", "music video", "tv special", "web", "other", "unknown"]

    public static func parse(_ bytes: [UInt8]) throws(MappingFileError) -> [AnimeListEntry] {
        try read(bytes).entries
    }

    /// The entries, and the `<mapping>` elements left out: one that names an AniDB season other than 0 or 1 (the
    /// real list has one such typo) cannot be placed, but is no reason to refuse the other 16,000 entries.
    public static func read(_ bytes: [UInt8]) throws(MappingFileError) -> (entries: [AnimeListEntry], skipped: [String]) {
        guard !bytes.isEmpty else { throw MappingFileError("the anime list is empty") }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue
        )
        var skipped: [String] = []
        let result: Result<[AnimeListEntry], MappingFileError> = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            guard let reader = xmlReaderForMemory(base, Int32(buffer.count), nil, nil, options) else {
                return .failure(MappingFileError("cannot read the anime list"))
            }
            defer { xmlFreeTextReader(reader) }
            var entries: [AnimeListEntry] = []
            var sawRoot = false
            do {
                while true {
                    let step = xmlTextReaderRead(reader)
                    if step == 0 { break }
                    guard step == 1 else {
                        let line = xmlTextReaderGetParserLineNumber(reader)
                        throw MappingFileError("the anime list is not well-formed XML (line \(line)): truncated or damaged")
                    }
                    guard xmlTextReaderNodeType(reader) == 1, let name = xmlTextReaderConstLocalName(reader) else { continue }
                    let depth = xmlTextReaderDepth(reader)
                    if depth == 0 {
                        guard anikura_xml_name_is(name, "anime-list") != 0 else {
                            throw MappingFileError("the anime list's root is <\(String(cString: name))>, not <anime-list>")
                        }
                        sawRoot = true
                    } else if depth == 1, anikura_xml_name_is(name, "anime") != 0 {
                        entries.append(try entry(reader))
                    } else if depth == 2, anikura_xml_name_is(name, "name") != 0, !entries.isEmpty {
                        entries[entries.count - 1].name = text(reader)
                    } else if depth == 2, anikura_xml_name_is(name, "before") != 0, !entries.isEmpty {
                        entries[entries.count - 1].before = try pairs(text(reader) ?? "", aid: entries[entries.count - 1].aid)
                    } else if depth == 3, anikura_xml_name_is(name, "mapping") != 0, !entries.isEmpty {
                        let aid = entries[entries.count - 1].aid
                        if let season = attribute(reader, "anidbseason").flatMap({ Int($0.trimmingSpaces) }), season != 0, season != 1 {
                            skipped.append("anime \(aid): a <mapping> with anidbseason \"\(season)\" (0 or 1) was left out")
                            continue
                        }
                        entries[entries.count - 1].mappings.append(try mapping(reader, aid: aid))
                    }
                }
            } catch let error as MappingFileError {
                return .failure(error)
            } catch {
                return .failure(MappingFileError("\(error)"))
            }
            guard sawRoot else { return .failure(MappingFileError("the anime list has no root element")) }
            guard !entries.isEmpty else { return .failure(MappingFileError("the anime list lists no anime")) }
            return .success(entries)
        }
        return (try result.get(), skipped)
    }

    private static func entry(_ reader: xmlTextReaderPtr) throws -> AnimeListEntry {
        guard let aidText = attribute(reader, "anidbid"), let aid = Int(aidText), aid > 0, aid < MappingLimits.maxID else {
            throw MappingFileError("an <anime> has no valid anidbid (\(attribute(reader, "anidbid") ?? "none"))")
        }
        func fail(_ what: String) -> MappingFileError { MappingFileError("anime \(aid): \(what)") }
        var entry = AnimeListEntry(aid: aid)
        let tvdb = (attribute(reader, "tvdbid") ?? "").trimmingSpaces
        if !tvdb.isEmpty {
            if let id = Int(tvdb) {
                guard id > 0, id < MappingLimits.maxID else { throw fail("tvdbid \(tvdb) is out of range") }
                entry.tvdb = .series(id)
            } else {
                guard typeWords.contains(tvdb.lowercased()) else { throw fail("tvdbid \"\(tvdb)\" is neither an id nor a type word") }
                entry.tvdb = .kind(tvdb.lowercased())
            }
        }
        entry.tvdbSeason = try season(attribute(reader, "defaulttvdbseason"), "defaulttvdbseason", aid)
        entry.tvdbOffset = try offset(attribute(reader, "episodeoffset"), "episodeoffset", aid) ?? 0
        entry.tmdbTV = try ids(attribute(reader, "tmdbtv"), "tmdbtv", aid).first
        entry.tmdbSeason = try season(attribute(reader, "tmdbseason"), "tmdbseason", aid)
        entry.tmdbOffset = try offset(attribute(reader, "tmdboffset"), "tmdboffset", aid) ?? 0
        entry.tmdbMovies = try ids(attribute(reader, "tmdbid"), "tmdbid", aid)
        entry.imdb = try imdbIDs(attribute(reader, "imdbid"), aid)
        return entry
    }

    private static func mapping(_ reader: xmlTextReaderPtr, aid: Int) throws -> EpisodeMappingList {
        func fail(_ what: String) -> MappingFileError { MappingFileError("anime \(aid): a <mapping> \(what)") }
        guard let anidbSeason = Int((attribute(reader, "anidbseason") ?? "").trimmingSpaces), anidbSeason == 0 || anidbSeason == 1 else {
            throw fail("has anidbseason \"\(attribute(reader, "anidbseason") ?? "")\" (0 or 1)")
        }
        var seasons: [EpisodeMappingList.Target: Int] = [:]
        for (attributeName, target) in [("tvdbseason", EpisodeMappingList.Target.tvdb), ("tmdbseason", .tmdb)] {
            guard let value = attribute(reader, attributeName)?.trimmingSpaces, !value.isEmpty else { continue }
            guard let season = Int(value), (0...MappingLimits.maxSeason).contains(season) else {
                throw fail("has \(attributeName) \"\(value)\"")
            }
            seasons[target] = season
        }
        guard !seasons.isEmpty else { throw fail("names no tvdbseason or tmdbseason") }
        var list = EpisodeMappingList(anidbSeason: anidbSeason, seasons: seasons)
        list.start = try episode(attribute(reader, "start"), "start", aid)
        list.end = try episode(attribute(reader, "end"), "end", aid)
        list.offset = try offset(attribute(reader, "offset"), "offset", aid)
        if let start = list.start, let end = list.end, end < start { throw fail("ends (\(end)) before it starts (\(start))") }
        if !(xmlTextReaderIsEmptyElement(reader) != 0) {
            list.pairs = try pairs(text(reader) ?? "", aid: aid)
        }
        return list
    }

    /// `;1-5;2-6;3-7+8;4-0;`
    static func pairs(_ text: String, aid: Int) throws(MappingFileError) -> [EpisodeMappingList.Pair] {
        var pairs: [EpisodeMappingList.Pair] = []
        for item in text.split(separator: ";") {
            let item = String(item).trimmingSpaces
            if item.isEmpty { continue }
            let sides = item.split(separator: "-", omittingEmptySubsequences: false)
            guard sides.count == 2, let anidb = Int(sides[0].trimmingSpaces), (0...MappingLimits.maxEpisode).contains(anidb) else {
                throw MappingFileError("anime \(aid): \"\(item)\" in a mapping is not `AniDB-episode`")
            }
            var targets: [Int] = []
            for part in sides[1].split(separator: "+", omittingEmptySubsequences: false) {
                guard let target = Int(part.trimmingSpaces), (0...MappingLimits.maxEpisode).contains(target) else {
                    throw MappingFileError("anime \(aid): \"\(item)\" in a mapping is not `AniDB-episode`")
                }
                if target > 0 { targets.append(target) }
            }
            pairs.append(.init(anidb: anidb, targets: targets))
        }
        return pairs
    }

    private static func season(_ value: String?, _ name: String, _ aid: Int) throws -> AnimeListEntry.Season? {
        guard let value = value?.trimmingSpaces, !value.isEmpty else { return nil }
        if value == "a" { return .absolute }
        guard let number = Int(value), (0...MappingLimits.maxSeason).contains(number) else {
            throw MappingFileError("anime \(aid): \(name) \"\(value)\" is neither a season number nor `a`")
        }
        return .number(number)
    }

    private static func offset(_ value: String?, _ name: String, _ aid: Int) throws -> Int? {
        guard let value = value?.trimmingSpaces, !value.isEmpty else { return nil }
        guard let number = Int(value), abs(number) <= MappingLimits.maxOffset else {
            throw MappingFileError("anime \(aid): \(name) \"\(value)\" is not an offset within ±\(MappingLimits.maxOffset)")
        }
        return number
    }

    private static func episode(_ value: String?, _ name: String, _ aid: Int) throws -> Int? {
        guard let value = value?.trimmingSpaces, !value.isEmpty else { return nil }
        guard let number = Int(value), (0...MappingLimits.maxEpisode).contains(number) else {
            throw MappingFileError("anime \(aid): a <mapping> has \(name) \"\(value)\"")
        }
        return number
    }

    private static func ids(_ value: String?, _ name: String, _ aid: Int) throws -> [Int] {
        guard let value = value?.trimmingSpaces, !value.isEmpty else { return [] }
        return try value.split(separator: ",").compactMap { part in
            let part = part.trimmingSpaces
            if part.isEmpty { return nil }
            // TMDB ids only; the odd `unknown` some entries carry means none.
            if part.lowercased() == "unknown" { return nil }
            guard let id = Int(part), id > 0, id < MappingLimits.maxID else {
                throw MappingFileError("anime \(aid): \(name) \"\(value)\" is not a list of ids")
            }
            return id
        }
    }

    private static func imdbIDs(_ value: String?, _ aid: Int) throws -> [String] {
        guard let value = value?.trimmingSpaces, !value.isEmpty else { return [] }
        return try value.split(separator: ",").compactMap { part in
            let part = part.trimmingSpaces
            if part.isEmpty || part.lowercased() == "unknown" { return nil }
            guard IMDbID.isValid(part) else { throw MappingFileError("anime \(aid): imdbid \"\(value)\" is not a list of tt… ids") }
            return part
        }
    }

    private static func attribute(_ reader: xmlTextReaderPtr, _ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { anikura_xml_free(value) }
        return String(cString: value)
    }

    private static func text(_ reader: xmlTextReaderPtr) -> String? {
        guard let value = xmlTextReaderReadString(reader) else { return nil }
        defer { anikura_xml_free(value) }
        return String(cString: value)
    }
}

/// `tt` and 7 to 10 digits.
public enum IMDbID {
    public static func isValid(_ text: some StringProtocol) -> Bool {
        let digits = text.dropFirst(2)
        return text.hasPrefix("tt") && (7...10).contains(digits.count) && digits.allSatisfy { $0.isASCII && $0.isNumber }
    }
}

extension StringProtocol {
    var trimmingSpaces: String {
        var text = Substring(self)
        while let first = text.first, first.isWhitespace { text.removeFirst() }
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return String(text)
    }
}
