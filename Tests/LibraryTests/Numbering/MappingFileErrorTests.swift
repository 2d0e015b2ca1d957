import Foundation
import Numbering
import Testing

@Suite("community mapping: bad files are refused with one clear line")
struct MappingFileErrorTests {
    func listError(_ text: String) -> String? {
        do {
            _ = try AnimeListParser.parse(Array(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    func idsError(_ text: String) -> String? {
        do {
            _ = try AnimeIDsParser.parse(Array(text.utf8))
            return nil
        } catch {
            return error.description
        }
    }

    static let good = #"<anime-list><anime anidbid="1" tvdbid="72025" defaulttvdbseason="1" episodeoffset=""><name>A</name></anime></anime-list>"#

    @Test("the list: truncated, another root, hostile entities, bad type words and numbers")
    func list() {
        #expect(listError(Self.good) == nil)
        let real = MappingFixture.bytes("anime-list-subset.xml")
        let truncated = String(decoding: real.prefix(real.count / 2), as: UTF8.self)
        #expect(listError(truncated)?.contains("not well-formed XML") == true, "\(listError(truncated) ?? "")")
        #expect(listError("") == "the anime list is empty")
        #expect(listError("<animetitles><anime aid=\"1\"/></animetitles>") == "the anime list's root is <animetitles>, not <anime-list>")
        #expect(listError("<anime-list></anime-list>") == "the anime list lists no anime")
        #expect(listError(#"<anime-list><anime tvdbid="1"/></anime-list>"#) == "an <anime> has no valid anidbid (none)")
        #expect(listError(#"<anime-list><anime anidbid="x1"/></anime-list>"#) == "an <anime> has no valid anidbid (x1)")
        #expect(
            listError(#"<anime-list><anime anidbid="5" tvdbid="cartoon"/></anime-list>"#)
                == #"anime 5: tvdbid "cartoon" is neither an id nor a type word"#
        )
        #expect(
            listError(#"<anime-list><anime anidbid="5" tvdbid="1" episodeoffset="99999999"/></anime-list>"#)
                == #"anime 5: episodeoffset "99999999" is not an offset within ±20000"#
        )
        // A negative offset is real (the list has -1); a huge negative one is not.
        #expect(listError(#"<anime-list><anime anidbid="5" tvdbid="1" episodeoffset="-1"/></anime-list>"#) == nil)
        #expect(listError(#"<anime-list><anime anidbid="5" tvdbid="1" episodeoffset="-50000"/></anime-list>"#) != nil)
        #expect(listError(#"<anime-list><anime anidbid="5" tvdbid="1" defaulttvdbseason="b"/></anime-list>"#) != nil)
        #expect(
            listError(
                #"<anime-list><anime anidbid="5" tvdbid="1"><mapping-list><mapping anidbseason="1" tvdbseason="1">;1-x;</mapping></mapping-list></anime></anime-list>"#
            )
                == #"anime 5: "1-x" in a mapping is not `AniDB-episode`"#
        )
        // The real list has one `anidbseason="2"`: that mapping is left out and named, the rest is kept.
        let typo =
            #"<anime-list><anime anidbid="5" tvdbid="1"><mapping-list><mapping anidbseason="2" tvdbseason="1"/></mapping-list></anime></anime-list>"#
        #expect(listError(typo) == nil)
        #expect((try? AnimeListParser.read(Array(typo.utf8)))?.skipped == [#"anime 5: a <mapping> with anidbseason "2" (0 or 1) was left out"#])
        #expect(
            listError(
                #"<anime-list><anime anidbid="5" tvdbid="1"><mapping-list><mapping anidbseason="x" tvdbseason="1"/></mapping-list></anime></anime-list>"#
            )
                != nil
        )
        #expect(
            listError(
                #"<anime-list><anime anidbid="5" tvdbid="1"><mapping-list><mapping anidbseason="1" tvdbseason="1" start="9" end="3"/></mapping-list></anime></anime-list>"#
            )
                == "anime 5: a <mapping> ends (3) before it starts (9)"
        )
        // Entities: an external one is never fetched nor expanded, and an exponential one is refused by libxml2.
        let external =
            #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY x SYSTEM "file:///etc/passwd">]><anime-list><anime anidbid="5" tvdbid="1"><name>&x;</name></anime></anime-list>"#
        if let parsed = try? AnimeListParser.parse(Array(external.utf8)) {
            #expect(parsed.first?.name?.contains("root:") != true)
        }
        var laughs = #"<?xml version="1.0"?><!DOCTYPE a [<!ENTITY l0 "lol">"#
        for level in 1...12 { laughs += "<!ENTITY l\(level) \"" + String(repeating: "&l\(level - 1);", count: 10) + "\">" }
        laughs += #"]><anime-list><anime anidbid="5" tvdbid="1"><name>&l12;</name></anime></anime-list>"#
        let started = Date()
        let result = try? AnimeListParser.parse(Array(laughs.utf8))
        #expect((result?.first?.name?.count ?? 0) < 1_000_000, "entities were expanded")
        #expect(Date().timeIntervalSince(started) < 5)
    }

    @Test("Kometa's ids: truncated, wrong shapes, garbage ids")
    func ids() {
        #expect(idsError(#"{"1": {"tvdb_id": 72025, "tvdb_season": 1, "tvdb_epoffset": 0, "mal_id": "290,291"}}"#) == nil)
        let real = MappingFixture.bytes("anime_ids-subset.json")
        #expect(idsError(String(decoding: real.prefix(5000), as: UTF8.self)) == "the ids file is not valid JSON: truncated or damaged")
        #expect(idsError("[1, 2]") == "the ids file is not a JSON object of AniDB ids")
        #expect(idsError("{}") == "the ids file lists no anime")
        #expect(idsError(#"{"one": {}}"#) == #"the ids file has the key "one", which is not an AniDB id"#)
        #expect(idsError(#"{"1": 5}"#) == "anime 1: its ids are not an object")
        #expect(idsError(#"{"1": {"mal_id": "12,abc"}}"#) == #"anime 1: mal_id "12,abc" is not a list of ids"#)
        #expect(idsError(#"{"1": {"tvdb_id": -4}}"#) == "anime 1: tvdb_id -4 is out of range")
        #expect(idsError(#"{"1": {"tvdb_epoffset": 1e9}}"#)?.hasPrefix("anime 1: tvdb_epoffset") == true)
        #expect(idsError(#"{"1": {"imdb_id": "nm0000001"}}"#) == #"anime 1: imdb_id "nm0000001" is not a list of tt… ids"#)
    }
}
