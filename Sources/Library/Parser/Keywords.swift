/// The keyword tables: which words are release metadata, and of what kind.
enum Keywords {
    struct Entry {
        var element: FilenameElement
        /// Ambiguous words (`Movie`, `TV`, `Opus`, `End`…) are recorded but may still be part of a title,
        /// unless they stand in brackets.
        var ambiguous: Bool
    }

    /// Lower-cased keyword → entry. Keywords with inner delimiters (`dual audio`, `h.264`) are matched with any
    /// delimiter in place of theirs, see `Tokenizer`.
    static let table: [String: Entry] = {
        var table: [String: Entry] = [:]
        func add(_ element: FilenameElement, _ words: [String], ambiguous: Bool = false) {
            for word in words { table[word.lowercased()] = Entry(element: element, ambiguous: ambiguous) }
        }
        add(
            .audioTerm,
            [
                "2.0ch", "2ch", "5.1", "5.1ch", "7.1", "7.1ch", "2.0", "DTS", "DTS-ES", "TrueHD",
                "AAC", "AACx2", "AACx3", "AACx4", "AC3", "EAC3", "E-AC3", "E-AC-3", "FLAC", "FLACx2", "FLACx3", "FLACx4",
                "Lossless", "MP3", "OGG", "Vorbis", "Atmos", "DD", "DDP", "Dual Audio", "DualAudio",
                "Dual-Audio", "JapDub", "English Dub", "Multi Audio",
            ]
        )
        add(.audioTerm, ["Opus"], ambiguous: true)
        add(
            .videoTerm,
            [
                "8bit", "8-bit", "8 bit", "10bit", "10-bit", "10 bit", "10bits", "Hi10", "Hi10p", "Hi444", "Hi444P",
                "Hi444PP", "H264", "H.264", "H 264", "h264", "x264", "AVC", "H265", "H.265", "x265", "HEVC", "AV1", "VP9",
                "XviD", "DivX", "DivX5", "HDR", "DV", "HD", "SD", "HQ", "LQ", "24fps", "30fps", "60fps", "120fps", "23.976fps",
                "29.97fps", "AVI", "RMVB", "WMV", "WMV3", "WMV9", "MP4", "MKV",
            ]
        )
        add(
            .source,
            [
                "BD", "BDRip", "BluRay", "Blu-Ray", "BD-R", "BDMV", "DVD", "DVD5", "DVD9", "DVDRip", "DVD-Rip", "R2DVD",
                "R2J", "R1DVD", "HDTV", "HDTVRip", "TVRip", "TV-Rip", "WebCast", "WebRip", "Web-DL", "WEBDL", "WEB-Rip",
                "CR", "AMZN", "DSNP", "NF", "Funi", "Hidive", "VRV", "YouTube", "ADN", "BILI",
            ]
        )
        add(.source, ["Web"], ambiguous: true)
        add(.releaseInformation, ["Batch", "Complete", "Patch", "Remux"])
        add(.releaseInformation, ["End", "Final"], ambiguous: true)
        add(
            .type,
            [
                "Gekijouban", "OAD", "OAV", "ONA", "OVA", "SP", "Special", "Specials", "TV", "Movie", "Film", "OP",
                "ED", "Opening", "Ending", "Preview", "PV",
            ],
            ambiguous: true
        )
        add(.type, ["NCOP", "NCED"])
        add(
            .language,
            ["ENG", "English", "Espanol", "Spanish", "JAP", "JPN", "PT-BR", "VOSTFR", "Chs", "Cht"]
        )
        add(.language, ["ESP", "ITA"], ambiguous: true)
        add(
            .subtitles,
            [
                "ASS", "BIG5", "Dub", "Dubbed", "Hardsub", "Hardsubs", "RAW", "Softsub", "Softsubs", "Sub", "Subbed",
                "Subtitled", "Multisub", "Multi Sub", "Multi Subs", "Multi-Sub", "Multi-Subs", "Multiple Subtitle",
                "GerSub", "EngSub",
            ]
        )
        add(.deviceCompatibility, ["iPad3", "iPhone5", "iPod", "PS3", "Xbox", "Xbox360"])
        add(.deviceCompatibility, ["Android"], ambiguous: true)
        add(.other, ["Remaster", "Remastered", "Uncensored", "Uncut", "TS", "VFR", "Widescreen", "WS"])
        add(.releaseGroup, ["THORA"])
        return table
    }()

    /// The table keyed by `normalize`d keyword, so `Dual_Audio`, `Dual.Audio` and `Dual Audio` find one entry.
    static let normalizedTable: [String: Entry] = Dictionary(
        table.map { (normalize($0.key), $0.value) },
        uniquingKeysWith: { first, _ in first }
    )

    /// What a word is besides a keyword: the words the episode, season, part and volume rules look for.
    struct WordClass: OptionSet {
        let rawValue: UInt8
        static let episodePrefix = WordClass(rawValue: 1 << 0)
        static let volumePrefix = WordClass(rawValue: 1 << 1)
        static let seasonWord = WordClass(rawValue: 1 << 2)
        static let partWord = WordClass(rawValue: 1 << 3)
        static let notBeforeEpisode = WordClass(rawValue: 1 << 4)
        /// `of`, as in `01 of 24`.
        static let of = WordClass(rawValue: 1 << 5)
        /// `cour` and `part`, which an ordinal may precede (`2nd Cour`).
        static let courOrPart = WordClass(rawValue: 1 << 6)
    }

    /// Everything known about one word, looked up once when its token is made: the rules then test flags instead
    /// of lower-casing and hashing the same word again and again.
    struct Lexeme {
        var keyword: Entry?
        var wordClass: WordClass = []
        /// `2nd`, `second` → 2; 0 for no ordinal.
        var ordinal: UInt8 = 0
    }

    static let lexemes: [String: Lexeme] = {
        var lexemes: [String: Lexeme] = [:]
        for (word, entry) in table { lexemes[word, default: Lexeme()].keyword = entry }
        func mark(_ words: Set<String>, _ wordClass: WordClass) {
            for word in words { lexemes[word, default: Lexeme()].wordClass.insert(wordClass) }
        }
        mark(episodePrefixes, .episodePrefix)
        mark(volumePrefixes, .volumePrefix)
        mark(seasonWords, .seasonWord)
        mark(partWords, .partWord)
        mark(notBeforeEpisode, .notBeforeEpisode)
        mark(["of"], .of)
        mark(["cour", "part"], .courOrPart)
        for (word, value) in ordinals { lexemes[word, default: Lexeme()].ordinal = UInt8(value) }
        return lexemes
    }()

    /// `lexemes` for the lookup that runs for every word of every name.
    static let lexemeTable = ByteKeyTable(lexemes.map { (key: $0.key, value: $0.value) })

    static var maxLexemeBytes: Int { ByteKeyTable<Lexeme>.maxKeyBytes }

    /// Keywords with inner delimiters, keyed with every delimiter a space (`dual audio`).
    static let compoundTable = ByteKeyTable(
        normalizedTable.filter { $0.key.utf8.contains(UInt8(ascii: " ")) }.map { (key: $0.key, value: Lexeme(keyword: $0.value)) }
    )

    /// The lexeme of a word's bytes, compared with ASCII letters folded to lower case; a word with inner delimiters
    /// is also tried with each of them a space (`Dual_Audio`). Words with non-ASCII letters are looked up
    /// lower-cased (`Episódio`).
    static func lexeme(_ bytes: UnsafeBufferPointer<UInt8>, ascii: Bool, delimited: Bool, text: String) -> Lexeme? {
        guard ascii else {
            let lower = text.lowercased()
            return lexemes[lower] ?? (delimited ? lookup(lower: lower).map { Lexeme(keyword: $0) } : nil)
        }
        if let found = lexemeTable.value(for: bytes) { return found }
        return delimited ? compoundTable.value(for: bytes, spacing: true) : nil
    }

    static func lookup(lower: String) -> Entry? {
        if let entry = table[lower] { return entry }
        guard lower.unicodeScalars.contains(where: Delimiters.isDelimiter) else { return nil }
        return normalizedTable[normalize(lower)]
    }

    /// Lower-cased, with every delimiter a space.
    static func normalize(_ text: String) -> String {
        String(String.UnicodeScalarView(text.lowercased().unicodeScalars.map { Delimiters.isDelimiter($0) ? " " : $0 }))
    }

    /// Types that only ever prefix an episode number (`EX01`); never recorded as a type.
    static let episodeOnlyTypes: Set<String> = ["ex"]

    static let episodePrefixes: Set<String> = [
        "ep", "ep.", "eps", "episode", "episodes", "episodio", "episódio", "capitulo", "folge", "e",
        // Cowboy Bebop's releases count sessions (`Session 05 - Ballad of Fallen Angels`).
        "session",
    ]
    static let volumePrefixes: Set<String> = ["vol", "vol.", "volume", "volumes"]
    static let seasonWords: Set<String> = ["season", "saison", "seasons"]
    static let partWords: Set<String> = ["part", "cour", "parte", "pt"]
    /// Words after which a number is not an episode (`Movie 9`, `Part 2`, `Cour 2`).
    static let notBeforeEpisode: Set<String> = ["movie", "part", "cour", "parte", "vol", "vol.", "volume"]

    static let extensions: Set<String> = [
        "mkv", "mp4", "m4v", "avi", "ogm", "rmvb", "wmv", "flv", "mov", "mpg", "mpeg", "m2ts", "webm", "3gp", "rm", "ts",
        "divx", "7z", "zip", "rar", "srt", "ass", "ssa", "mka", "flac", "mp3",
    ]

    static let ordinals: [String: Int] = [
        "1st": 1, "2nd": 2, "3rd": 3, "4th": 4, "5th": 5, "6th": 6, "7th": 7, "8th": 8, "9th": 9, "first": 1, "second": 2,
        "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8, "ninth": 9,
    ]
}

enum Delimiters {
    static func isDelimiter(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "_", ".", ",", "&", "+", "|", "-", "~", "\u{00A0}", "\u{200B}", "\u{3000}", "\u{00AD}",
            "\u{2010}"..."\u{2015}":
            return true
        default: return false
        }
    }

    /// Delimiters that only separate words (a title shows them as one space).
    static func isSpaceLike(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case " ", "\t", "_", "\u{00A0}", "\u{200B}", "\u{3000}": return true
        default: return false
        }
    }

    /// Delimiters that stand between numbers of a range (`01-02`, `01 ~ 12`, `01+02`).
    static func isRangeJoiner(_ text: String) -> Bool {
        switch text {
        case "-", "~", "+", "&", "‒", "–": true
        default: false
        }
    }

    static func isDash(_ scalar: Unicode.Scalar) -> Bool {
        scalar == "-" || ("\u{2010}"..."\u{2015}").contains(scalar)
    }

    /// A word ends here: a delimiter or a bracket.
    @inline(__always)
    static func isBoundary(_ scalar: Unicode.Scalar) -> Bool {
        let value = scalar.value
        if value < 64 { return (asciiBoundaryLow >> UInt64(value)) & 1 != 0 }
        if value < 128 { return (asciiBoundaryHigh >> UInt64(value - 64)) & 1 != 0 }
        return isDelimiter(scalar) || closer(for: scalar) != nil || isCloser(scalar)
    }

    /// The ASCII boundaries as bit masks (bit n: scalar n, then n + 64): constants, so testing one costs a shift
    /// (a table in a `static let` costs an initialisation check on every read). A test checks them against the
    /// switches below.
    static var asciiBoundaryLow: UInt64 { 0x7b41_0000_0200 }
    static var asciiBoundaryHigh: UInt64 { 0x7800_0000_a800_0000 }

    /// The closing bracket for an opening one (a switch, not a dictionary: this runs for every character).
    static func closer(for scalar: Unicode.Scalar) -> Unicode.Scalar? {
        switch scalar {
        case "(": ")"
        case "[": "]"
        case "{": "}"
        case "「": "」"
        case "『": "』"
        case "【": "】"
        case "（": "）"
        case "［": "］"
        case "｛": "｝"
        default: nil
        }
    }

    static func isCloser(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar {
        case ")", "]", "}", "」", "』", "】", "）", "］", "｝": true
        default: false
        }
    }
}
