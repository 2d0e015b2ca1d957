internal import CXML2

/// One anime's titles from AniDB's `anime-titles.xml`.
public struct DumpedAnime: Sendable, Equatable {
    public var aid: Int
    public var titles: [AnimeDocument.Title]
}

/// Reads AniDB's daily titles dump (`<animetitles><anime aid=".."><title type=".." xml:lang="..">`),
/// streaming, so the whole dump is never a tree in memory.
public enum TitlesDumpParser {
    public static func parse(_ bytes: [UInt8]) throws(Mirror.DocumentError) -> [DumpedAnime] {
        guard !bytes.isEmpty else { throw .init(.empty) }
        let options = Int32(
            XML_PARSE_NONET.rawValue | XML_PARSE_NOBLANKS.rawValue | XML_PARSE_COMPACT.rawValue | XML_PARSE_NOERROR.rawValue
                | XML_PARSE_NOWARNING.rawValue
        )
        let result: Result<[DumpedAnime], Mirror.DocumentError> = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            guard let reader = xmlReaderForMemory(base, Int32(buffer.count), nil, nil, options) else {
                return .failure(.init(.malformed("cannot read the titles dump")))
            }
            defer { xmlFreeTextReader(reader) }
            var anime: [DumpedAnime] = []
            var sawRoot = false
            while true {
                let step = xmlTextReaderRead(reader)
                if step == 0 { break }
                guard step == 1 else { return .failure(.init(.malformed("the titles dump is not well-formed XML"))) }
                guard xmlTextReaderNodeType(reader) == 1, let name = xmlTextReaderConstLocalName(reader) else { continue }
                let depth = xmlTextReaderDepth(reader)
                if depth == 0 {
                    guard anikura_xml_name_is(name, "animetitles") != 0 else {
                        return .failure(.init(.notAnAnimeDocument(root: String(cString: name))))
                    }
                    sawRoot = true
                } else if depth == 1, anikura_xml_name_is(name, "anime") != 0 {
                    guard let aid = attribute(reader, "aid").flatMap({ Int($0) }), aid > 0 else {
                        return .failure(.init(.missingID))
                    }
                    anime.append(DumpedAnime(aid: aid, titles: []))
                } else if depth == 2, anikura_xml_name_is(name, "title") != 0, !anime.isEmpty {
                    // The dump says `syn` where documents say `synonym`.
                    let type = attribute(reader, "type").map { $0 == "syn" ? "synonym" : $0 } ?? ""
                    let language = attribute(reader, "xml:lang") ?? ""
                    guard let text = xmlTextReaderReadString(reader) else { continue }
                    defer { anikura_xml_free(text) }
                    anime[anime.count - 1].titles.append(
                        AnimeDocument.Title(language: language, type: type, text: String(cString: text))
                    )
                }
            }
            return sawRoot ? .success(anime) : .failure(.init(.malformed("no root element")))
        }
        return try result.get()
    }

    private static func attribute(_ reader: xmlTextReaderPtr, _ name: String) -> String? {
        guard let value = xmlTextReaderGetAttribute(reader, name) else { return nil }
        defer { anikura_xml_free(value) }
        return String(cString: value)
    }
}
