import Foundation
import Numbering
import Testing

@Suite("community mapping: Anime-Lists' list and Kometa's ids, read and looked up")
struct CommunityMappingTests {
    let mapping = MappingFixture.mapping

    func tvdb(_ series: Int, _ season: Int, _ episode: Int, counts: [Int: Int] = [:]) -> String? {
        mapping.episode(in: .tvdb, series: series, season: season, episode: episode) { counts[$0] }.map { "\($0.aid)/\($0.episode)" }
    }

    func tmdb(_ series: Int, _ season: Int, _ episode: Int) -> String? {
        mapping.episode(in: .tmdb, series: series, season: season, episode: episode).map { "\($0.aid)/\($0.episode)" }
    }

    @Test("the subsets parse whole, with every attribute form of the list's README")
    func parsesEveryForm() throws {
        #expect(MappingFixture.list.count == 299)
        #expect(MappingFixture.ids.count == 299)
        let byAid = Dictionary(uniqueKeysWithValues: MappingFixture.list.map { ($0.aid, $0) })
        let ten = try #require(byAid[10866])
        #expect(ten.tvdb == .series(133341) && ten.tvdbSeason == .number(2) && ten.tvdbOffset == 12)
        #expect(ten.tmdbTV == 42410 && ten.tmdbSeason == .number(2) && ten.tmdbOffset == 12)
        #expect(ten.mappings == [EpisodeMappingList(anidbSeason: 0, seasons: [.tvdb: 0], pairs: [.init(anidb: 1, targets: [4])])])
        #expect(byAid[69]?.tvdbSeason == .absolute && byAid[69]?.tmdbSeason == .absolute)
        #expect(byAid[11829]?.tvdb == .kind("movie") && byAid[11829]?.tmdbMovies == [372058] && byAid[11829]?.imdb == ["tt5311514"])
        // Every type word the list uses, lowercased.
        let kinds = Set(
            MappingFixture.list.compactMap { entry -> String? in
                if case .kind(let word) = entry.tvdb { return word }
                return nil
            }
        )
        #expect(kinds.isSuperset(of: ["movie", "ova", "hentai", "music video", "tv special", "web", "other"]))
        // `;1-1+2;`: one AniDB episode, several TVDB ones; `-0`: on no TVDB episode.
        let pairs = MappingFixture.list.flatMap(\.mappings).flatMap(\.pairs)
        #expect(pairs.contains { $0.targets.count > 1 })
        #expect(pairs.contains { $0.targets.isEmpty })
        // Ranges without an end, negative offsets, lists of TMDB movies and IMDb titles.
        #expect(MappingFixture.list.flatMap(\.mappings).contains { $0.start != nil && $0.end == nil })
        #expect(MappingFixture.list.contains { $0.tvdbOffset < 0 })
        #expect(MappingFixture.list.contains { $0.tmdbMovies.count > 1 })
        #expect(MappingFixture.list.contains { $0.imdb.count > 1 })
        #expect(MappingFixture.list.flatMap(\.mappings).contains { $0.seasons.count == 2 })
        // `<before>`: where specials air among the regular episodes.
        #expect(MappingFixture.list.contains { $0.before == [.init(anidb: 1, targets: [12]), .init(anidb: 2, targets: [11])] })
        // Kometa's ids: numbers, and comma-separated lists as strings.
        let ids = Dictionary(uniqueKeysWithValues: MappingFixture.ids.map { ($0.aid, $0) })
        #expect(ids[10866]?.mal == [27831] && ids[10866]?.anilist == [20879])
        #expect(MappingFixture.ids.contains { $0.mal.count > 1 })
        #expect(ids[69]?.tvdbSeason == -1)
    }

    @Test("split cours: one TVDB season holds several AniDB anime, each from its offset")
    func splitCours() {
        #expect(tvdb(133341, 1, 12) == "6671/12")
        #expect(tvdb(133341, 2, 1) == "10523/1")
        #expect(tvdb(133341, 2, 12) == "10523/12")
        #expect(tvdb(133341, 2, 13) == "10866/1")  // Durarara!!x2 Ten
        #expect(tvdb(133341, 2, 25) == "10867/1")  // Durarara!!x2 Ketsu
        #expect(tvdb(275798, 1, 14) == "8880/1")  // Fate/Zero (2012)
        #expect(tvdb(275798, 1, 13) == "8160/13")
        #expect(tvdb(267440, 3, 13) == "14444/1")  // Shingeki no Kyojin Season 3 (2019)
        #expect(tvdb(267440, 3, 12) == "13241/12")
        #expect(tvdb(267440, 4, 17) == "16177/1")
        #expect(tvdb(267440, 4, 29) == "17303/1")
        // A document's episode count settles what the offsets alone would not.
        #expect(tvdb(259640, 4, 13) == "15146/1")
        #expect(tvdb(259640, 4, 13, counts: [15146: 11]) == "15146/1")
        #expect(tvdb(133341, 2, 14, counts: [10866: 12]) == "10866/2")
    }

    @Test("specials: season 0 through explicit mappings and the default season 0 of one-off specials")
    func specials() {
        #expect(tvdb(133341, 0, 4) == "10866/S1")
        #expect(tvdb(133341, 0, 5) == "10867/S1")
        #expect(tvdb(267440, 0, 8) == "9541/S7")  // `;7-8;`
        #expect(tvdb(267440, 0, 7) == nil || tvdb(267440, 0, 7) != "9541/S7")
        #expect(tvdb(81797, 0, 27) == "69/S1")  // One Piece `;1-27;`
        // Mob Psycho 100's one-off specials sit in its season 0 at their offsets.
        #expect(tvdb(307375, 0, 8) == "14941/1")
        #expect(tvdb(307375, 0, 7) == "13527/1")  // `anidbseason="1" tvdbseason="0"`: `;1-7;`
        #expect(tvdb(307375, 0, 1) == nil)
    }

    @Test("absolute numbering: `a` seasons by absolute number, and their range mappings by season")
    func absolute() {
        #expect(mapping.isAbsolute(.tvdb, series: 81797))
        #expect(mapping.absoluteEpisode(in: .tvdb, series: 81797, number: 1000).map { "\($0.aid)/\($0.episode)" } == "69/1000")
        #expect(tvdb(83692, 2, 3) == "19/15")  // Rizelmine: `start=13 end=24 offset=-12` in TVDB season 2
        #expect(tvdb(83692, 1, 12) == "19/12")
        #expect(tvdb(72905, 2, 5) == "84/35")  // Hikaru no Go
        #expect(tmdb(37854, 2, 1) == "69/62")  // One Piece's TMDB seasons
        #expect(!mapping.isAbsolute(.tvdb, series: 133341))
    }

    @Test("TMDB numbering differs from TVDB's: Re:Zero is one TMDB season")
    func tmdbNumbering() {
        #expect(tmdb(65942, 1, 25) == "11370/25")
        #expect(tmdb(65942, 1, 30) == "14792/4")
        #expect(tmdb(65942, 1, 40) == "15593/2")
        #expect(tvdb(305089, 2, 14) == "15593/1")
        #expect(tmdb(42410, 2, 13) == "10866/1")
    }

    @Test("movies and other ids: TMDB and IMDb movies, MAL and AniList")
    func otherIDs() {
        #expect(mapping.anime(tmdbMovie: 372058).map(\.aid) == [11829])
        #expect(mapping.anime(imdb: "tt5311514").map(\.aid) == [11829])
        #expect(mapping.anime(mal: 27831) == [10866])
        #expect(mapping.anime(anilist: 20879) == [10866])
        let ids = mapping.externalIDs(of: 10866)
        #expect(ids?.tvdb?.id == 133341 && ids?.tvdb?.season == 2 && ids?.tvdb?.offset == 12 && ids?.tvdb?.source == .animeLists)
        #expect(ids?.mal == [27831] && ids?.anilist == [20879] && ids?.corrected == false)
    }

    @Test("a correction wins over both files and drops the list's episode mappings it replaces")
    func corrections() {
        let corrected = CommunityMapping(
            list: MappingFixture.list,
            ids: MappingFixture.ids,
            corrections: [MappingCorrection(aid: 10866, tvdbSeason: 3, tvdbOffset: 0)]
        )
        #expect(corrected.episode(in: .tvdb, series: 133341, season: 3, episode: 1)?.aid == 10866)
        #expect(corrected.episode(in: .tvdb, series: 133341, season: 3, episode: 1)?.source == .correction)
        #expect(corrected.episode(in: .tvdb, series: 133341, season: 2, episode: 13)?.aid == 10523)
        #expect(corrected.episode(in: .tvdb, series: 133341, season: 0, episode: 4) == nil)
        #expect(corrected.externalIDs(of: 10866)?.corrected == true)
        #expect(MappingCorrection(aid: 1).problem == "the correction changes nothing")
        #expect(MappingCorrection(aid: 1, tvdbOffset: 1_000_000).problem?.contains("tvdb_offset") == true)
        #expect(MappingCorrection(aid: 1, tvdbSeason: -2).problem?.contains("tvdb_season") == true)
    }

    @Test("the full files: every entry of both parses, and the issue's examples come out right")
    func fullFiles() {
        let full = MappingFixture.full
        #expect(full.entries.count > 16_000)
        #expect(full.episode(in: .tvdb, series: 133341, season: 2, episode: 13)?.aid == 10866)
        #expect(full.episode(in: .tvdb, series: 275798, season: 1, episode: 14)?.aid == 8880)
        #expect(full.episode(in: .tvdb, series: 267440, season: 3, episode: 13)?.aid == 14444)
    }
}
