import Foundation
import Testing

@testable import Library

@Suite("matcher rules on the real 2015 titles dump and real documents")
struct MatcherTests {
    static let dumpOnly = Matcher(catalog: MatcherFixture.catalog())

    /// Matches `paths` (laid out as a media folder) and returns path → match.
    static func match(
        _ paths: [String],
        matcher: Matcher = dumpOnly,
        overrides: MatchOverrides = MatchOverrides()
    ) throws -> [String: FileMatch] {
        let library = try MatcherFixture.Library(paths)
        let run = matcher.match(try library.index.files(), overrides: overrides, minConfidence: 0.8)
        return Dictionary(uniqueKeysWithValues: run.matches.map { (String($0.path.dropFirst(library.root.count + 1)), $0) })
    }

    @Test("keys: case, accents, punctuation and width go; backticks are apostrophes; marks that tell anime apart stay")
    func keys() {
        #expect(MatchKey.key("Shingeki no Kyojin!") == MatchKey.key("SHINGEKI-no-kyojin !"))
        #expect(MatchKey.key("Pokémon") == "pokemon")
        #expect(MatchKey.key("Ｆｕｌｌｗｉｄｔｈ") == "fullwidth")
        #expect(MatchKey.key("Cowboy Bebop: Knockin` on Heaven`s Door") == MatchKey.key("Cowboy Bebop - Knockin' on Heaven's Door"))
        #expect(MatchKey.key("Gintama`") == MatchKey.key("Gintama'"))
        #expect(MatchKey.key("Gintama`") != MatchKey.key("Gintama"))
        #expect(MatchKey.key("K-On!!") != MatchKey.key("K-On!"))
        #expect(MatchKey.key("Nisekoi:") != MatchKey.key("Nisekoi"))
        #expect(MatchKey.plain(MatchKey.key("Working`!!")) == "working")
        #expect(MatchKey.compact(MatchKey.plain(MatchKey.key("Usagi Desu ka??"))) == "usagidesuka")
        #expect(MatchKey.key("Hunter × Hunter") == "hunter x hunter")
    }

    @Test("short titles, backticks and other languages' titles")
    func titles() throws {
        let matches = try Self.match([
            "[Kametsu] FMAB - 64 [BD 1080p].mkv",
            "[Anime Land] anohana - 02.mkv",
            "[DameDesuYo] Oregairu - 07.mkv",
            "[HorribleSubs] Gintama' - 51 [720p].mkv",
            "[HorribleSubs] Gintama - 201 [720p].mkv",
            "[Exiled-Destiny] Cowboy Bebop Knockin' on Heaven's Door (Movie) [BD 1080p].mkv",
            "[Frostii] Attack on Titan - 05.mkv",
            "Kuroko`s Basketball 2 - 03.mkv",
        ])
        #expect(matches["[Kametsu] FMAB - 64 [BD 1080p].mkv"]?.aid == 6107)
        #expect(matches["[Anime Land] anohana - 02.mkv"]?.aid == 8181)
        #expect(matches["[DameDesuYo] Oregairu - 07.mkv"]?.aid == 9310)
        #expect(matches["[HorribleSubs] Gintama' - 51 [720p].mkv"]?.aid == 8126)
        #expect(matches["[HorribleSubs] Gintama - 201 [720p].mkv"]?.aid == 3468)
        let movie = try #require(matches["[Exiled-Destiny] Cowboy Bebop Knockin' on Heaven's Door (Movie) [BD 1080p].mkv"])
        #expect(movie.aid == 219 && movie.episode == nil && movie.applied)
        #expect(matches["[Frostii] Attack on Titan - 05.mkv"]?.aid == 9541)
        #expect(matches["Kuroko`s Basketball 2 - 03.mkv"]?.aid == 9603)
    }

    @Test("seasons by title: S2, 2nd Season, II, 2, Zoku, San, Shi, a Season folder")
    func seasonsByTitle() throws {
        let matches = try Self.match([
            "[HorribleSubs] Kimi ni Todoke S2 - 05 [720p].mkv",
            "[HorribleSubs] Kimi ni Todoke 2nd Season - 06 [720p].mkv",
            "[Ayako] Ookami to Koushinryou II - 12.mkv",
            "[HorribleSubs] Psycho-Pass 2 - 11 [720p].mkv",
            "[Kira] Zoku Natsume Yuujinchou - 02.mkv",
            "[HorribleSubs] Natsume Yuujinchou San - 07.mkv",
            "[HorribleSubs] Natsume Yuujinchou Shi - 13.mkv",
            "Natsume Yuujinchou/Season 2/Natsume Yuujinchou - S02E13.mkv",
            "[HorribleSubs] Oregairu Zoku - 03.mkv",
        ])
        #expect(matches["[HorribleSubs] Kimi ni Todoke S2 - 05 [720p].mkv"]?.aid == 8014)
        #expect(matches["[HorribleSubs] Kimi ni Todoke 2nd Season - 06 [720p].mkv"]?.aid == 8014)
        #expect(matches["[Ayako] Ookami to Koushinryou II - 12.mkv"]?.aid == 6169)
        #expect(matches["[HorribleSubs] Psycho-Pass 2 - 11 [720p].mkv"]?.aid == 10065)
        #expect(matches["[Kira] Zoku Natsume Yuujinchou - 02.mkv"]?.aid == 6185)
        #expect(matches["[HorribleSubs] Natsume Yuujinchou San - 07.mkv"]?.aid == 8286)
        #expect(matches["[HorribleSubs] Natsume Yuujinchou Shi - 13.mkv"]?.aid == 8667)
        #expect(matches["Natsume Yuujinchou/Season 2/Natsume Yuujinchou - S02E13.mkv"]?.aid == 6185)
        #expect(matches["[HorribleSubs] Oregairu Zoku - 03.mkv"]?.aid == 10601)
    }

    @Test("a season no title names goes through the Sequel chain of stored documents, and waits without them")
    func seasonsBySequelChain() throws {
        let path = "Seikai no Monshou/Season 2/Seikai no Monshou - S02E03.mkv"
        // Titles alone: season 2 of Seikai no Monshou is named nowhere; aid 1's document is wanted.
        let library = try MatcherFixture.Library([path])
        let withoutDocument = Self.dumpOnly.match(try library.index.files(), minConfidence: 0.8)
        let waiting = try #require(withoutDocument.matches.first)
        #expect(!waiting.applied && waiting.aid == 1)
        #expect(withoutDocument.wanted.contains(1))
        // With aid 1's document, its Sequel (aid 4, Seikai no Senki) is season 2.
        let matcher = Matcher(catalog: MatcherFixture.catalog(documents: [1]))
        let chained = try #require(matcher.match(try library.index.files(), minConfidence: 0.8).matches.first)
        #expect(chained.aid == 4 && chained.episode == "3" && chained.applied, "\(chained)")
    }

    @Test("years pick remakes apart, from the title or the folder")
    func years() throws {
        let matches = try Self.match([
            "[Coalgirls] Hellsing (2006) - 05.mkv",
            "[Coalgirls] Hellsing - 05.mkv",
            "Hunter x Hunter (1999)/Hunter x Hunter - 62.mkv",
            "Hunter x Hunter (2011)/Hunter x Hunter - 120.mkv",
            "[Commie] Gin no Saji (2014) - 11.mkv",
        ])
        #expect(matches["[Coalgirls] Hellsing (2006) - 05.mkv"]?.aid == 3296)
        #expect(matches["[Coalgirls] Hellsing - 05.mkv"]?.aid == 32)
        #expect(matches["Hunter x Hunter (1999)/Hunter x Hunter - 62.mkv"]?.aid == 132)
        #expect(matches["Hunter x Hunter (2011)/Hunter x Hunter - 120.mkv"]?.aid == 8550)
        #expect(matches["[Commie] Gin no Saji (2014) - 11.mkv"]?.aid == 9968)
    }

    @Test("folders supply the title a file name lacks")
    func folderTitles() throws {
        let matches = try Self.match(["Steins;Gate/Episode 05.mkv", "Shigatsu wa Kimi no Uso/05.mkv"])
        #expect(matches["Steins;Gate/Episode 05.mkv"].map { ($0.aid, $0.episode) } ?? (nil, nil) == (7729, "5"))
        #expect(matches["Shigatsu wa Kimi no Uso/05.mkv"].map { ($0.aid, $0.episode) } ?? (nil, nil) == (10539, "5"))
    }

    @Test("specials, credits and trailers map to S, C and T episodes; a Specials folder means specials")
    func specials() throws {
        let matcher = Matcher(catalog: MatcherFixture.catalog(documents: [959, 10145]))
        let matches = try Self.match(
            [
                "Fumoffu/[ANE] Full Metal Panic Fumoffu - SP2.mkv",
                "Fumoffu/[ANE] Full Metal Panic Fumoffu - NCOP.mkv",
                "Fumoffu/[ANE] Full Metal Panic Fumoffu - NCED 2.mkv",
                "Fumoffu/[ANE] Full Metal Panic Fumoffu - PV1.mkv",
                "Haikyuu!!/Specials/Haikyuu!! - 01.mkv",
                "[HorribleSubs] Haikyuu!! - OVA 01 [720p].mkv",
                "Fumoffu/[ANE] Full Metal Panic Fumoffu - 11.mkv",
                "[Group] Shingeki no Kyojin - OAD 02 [720p].mkv",
            ],
            matcher: matcher
        )
        func episode(_ path: String) -> String? { matches[path]?.episode }
        #expect(matches["Fumoffu/[ANE] Full Metal Panic Fumoffu - SP2.mkv"]?.aid == 959)
        #expect(episode("Fumoffu/[ANE] Full Metal Panic Fumoffu - SP2.mkv") == "S2")
        #expect(episode("Fumoffu/[ANE] Full Metal Panic Fumoffu - NCOP.mkv") == "C1")
        #expect(episode("Fumoffu/[ANE] Full Metal Panic Fumoffu - NCED 2.mkv") == "C2")
        #expect(episode("Fumoffu/[ANE] Full Metal Panic Fumoffu - PV1.mkv") == "T1")
        #expect(episode("Haikyuu!!/Specials/Haikyuu!! - 01.mkv") == "S1")
        #expect(matches["[HorribleSubs] Haikyuu!! - OVA 01 [720p].mkv"].map { ($0.aid, $0.episode) } ?? (nil, nil) == (10145, "S1"))
        #expect(episode("Fumoffu/[ANE] Full Metal Panic Fumoffu - 11.mkv") == "11")
        // AniDB gives these OADs an anime of their own: its episode 2, not a special of the TV series.
        let oad = try #require(matches["[Group] Shingeki no Kyojin - OAD 02 [720p].mkv"])
        #expect(oad.aid == 9826 && oad.episode == "2", "\(oad)")
    }

    @Test("absolute numbering continues into the sequel when episode counts are known")
    func absoluteNumbering() throws {
        // Aid 1 (13 episodes) has a document; its Sequel, aid 4, is described by its document's facts.
        let sequel = CatalogAnime(aid: 4, type: "TV Series", episodeCount: 10, startDate: "2000-04-14", relations: [])
        let matcher = Matcher(catalog: MatcherFixture.catalog(documents: [1], extra: [4: sequel]))
        let matches = try Self.match(["[gg] Seikai no Monshou - 13.mkv", "[gg] Seikai no Monshou - 16.mkv"], matcher: matcher)
        #expect(matches["[gg] Seikai no Monshou - 13.mkv"].map { ($0.aid, $0.episode) } ?? (nil, nil) == (1, "13"))
        let absolute = try #require(matches["[gg] Seikai no Monshou - 16.mkv"])
        #expect(absolute.aid == 4 && absolute.episode == "3" && absolute.applied, "\(absolute)")
        // Without the sequel's document the file stays with aid 1, unapplied, and the sequel's document is wanted.
        let library = try MatcherFixture.Library(["[gg] Seikai no Monshou - 16.mkv"])
        let run = Matcher(catalog: MatcherFixture.catalog(documents: [1])).match(try library.index.files(), minConfidence: 0.8)
        #expect(run.matches.first?.applied == false)
        #expect(run.wanted.contains(4))
    }

    @Test("documents' episode counts pick between anime that share a title")
    func episodeCountsPick() throws {
        // Facts as the two documents state them: the 2010 Mirai Nikki is one episode, the 2011 series 26.
        let promo = CatalogAnime(aid: 7432, type: "OVA", episodeCount: 1, startDate: "2010-08-26", relations: [])
        let series = CatalogAnime(aid: 8395, type: "TV Series", episodeCount: 26, startDate: "2011-10-10", relations: [])
        let path = "[gg] Mirai Nikki - 26 [BD 720p].mkv"
        let withoutDocuments = try Self.match([path])[path]
        #expect(withoutDocuments?.aid == 7432, "titles alone favour the main title")
        let matcher = Matcher(catalog: MatcherFixture.catalog(extra: [7432: promo, 8395: series]))
        let match = try #require(try Self.match([path], matcher: matcher)[path])
        #expect(match.aid == 8395 && match.episode == "26", "\(match)")
        #expect(match.candidates.first?.aid == 8395)
    }

    @Test("an ambiguous title waits for a person instead of guessing; no title at all gives no candidate")
    func ambiguity() throws {
        let matches = try Self.match(["[HorribleSubs] Charlotte - 13 [720p].mkv", "[X] Zzyzx Qwerty Plonk - 01.mkv"])
        let charlotte = try #require(matches["[HorribleSubs] Charlotte - 13 [720p].mkv"])
        #expect(charlotte.aid == 10997, "the main title beats an Italian and French official title")
        let nonsense = try #require(matches["[X] Zzyzx Qwerty Plonk - 01.mkv"])
        #expect(nonsense.aid == nil && !nonsense.applied && nonsense.candidates.isEmpty)
        let tie = try Self.match(["[A] Hunter x Hunter - 01.mkv"])["[A] Hunter x Hunter - 01.mkv"]
        #expect(tie?.applied == false, "Hunter x Hunter (1998 pilot, main title) and (1999, English title) tie")
        #expect(Set(tie?.candidates.prefix(2).map(\.aid) ?? []) == [132, 8565])
    }

    @Test("manual matches win, and survive a rescan and a move")
    func overridesSurvive() throws {
        let library = try MatcherFixture.Library(["Show/[X] Hunter x Hunter - 01.mkv", "Show/[X] Hunter x Hunter - 02.mkv"])
        let files = try library.index.files()
        let first = try #require(files.first)
        let seriesID = try #require(first.seriesId)
        #expect(try library.index.setSeriesOverride(seriesId: seriesID, aid: 132, now: 1))
        #expect(try library.index.setFileOverride(fileId: first.id, aid: 132, episode: "S1", now: 1))
        // A rescan, then a move of the first file to another folder with another name (same content).
        _ = try library.scan()
        try FileManager.default.createDirectory(atPath: library.root + "/Elsewhere", withIntermediateDirectories: true)
        try FileManager.default.moveItem(
            atPath: first.path,
            toPath: library.root + "/Elsewhere/[X] Hunter x Hunter - 01 renamed.mkv"
        )
        let report = try library.scan()
        #expect(report.moved == 1)
        let run = Self.dumpOnly.match(try library.index.files(), overrides: try library.index.overrides(), minConfidence: 0.8)
        let moved = try #require(run.matches.first { $0.fileId == first.id })
        #expect(moved.path.hasSuffix("Elsewhere/[X] Hunter x Hunter - 01 renamed.mkv"))
        #expect(moved.aid == 132 && moved.episode == "S1" && moved.source == .file && moved.applied)
        let other = try #require(run.matches.first { $0.fileId != first.id })
        #expect(other.aid == 132 && other.episode == "2" && other.source == .series && other.confidence == 1)
        // Stored, read back, and undone.
        try library.index.saveMatches(run.matches, replaceAll: true, now: 2)
        #expect(try library.index.matches().count == 2)
        #expect(try library.index.clearOverrides(seriesId: seriesID))
        #expect(try library.index.overrides().series.isEmpty)
    }

    @Test("names that are no help never crash the matcher")
    func oddNames() throws {
        let matches = try Self.match([
            "- - -.mkv", "01.mkv", String(repeating: "a", count: 200) + ".mkv", "🎌🎌 - 01.mkv", "ソードアート・オンライン - 01.mkv",
        ])
        #expect(matches.count == 5)
        #expect(matches["ソードアート・オンライン - 01.mkv"]?.aid == 8692, "Japanese titles match too")
    }
}
