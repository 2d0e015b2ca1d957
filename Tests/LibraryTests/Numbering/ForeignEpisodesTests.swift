import Testing

@testable import Numbering

/// The mapping read forwards: an AniDB anime's episodes as TVDB numbers them, for Sonarr to monitor.
@Suite("AniDB episodes in TVDB numbering")
struct ForeignEpisodesTests {
    let mapping = MappingFixture.mapping

    @Test("a split cour is its part of the season: Durarara!!x2 Ten is TVDB S02E13–S02E24")
    func splitCour() throws {
        // Shou (10523), Ten (10866) and Ketsu (10867) share TVDB 133341 season 2 at offsets 0, 12 and 24.
        let ten = try #require(mapping.foreignEpisodes(of: 10866, in: .tvdb, episodeCount: 12))
        #expect(ten.series == 133341)
        #expect(ten.episodes.first == .init(season: 2, number: 13) && ten.episodes.last == .init(season: 2, number: 24))
        #expect(ten.episodes.count == 12)
        #expect(ten.summary == "S02E13–S02E24")
        // Without a document the next cour's offset bounds it.
        let unknown = try #require(mapping.foreignEpisodes(of: 10866, in: .tvdb, episodeCount: nil))
        #expect(unknown.episodes == ten.episodes && unknown.rest == nil)
        // The last cour without a count runs to the season's end.
        let ketsu = try #require(mapping.foreignEpisodes(of: 10867, in: .tvdb, episodeCount: nil))
        #expect(ketsu.episodes.isEmpty)
        #expect(ketsu.rest == .init(season: 2, number: 24))
        #expect(ketsu.summary == "S02E25 onwards")
    }

    @Test("episode and range mappings win over the default season: Chobits' recaps are TVDB specials")
    func mappings() throws {
        let chobits = try #require(mapping.foreignEpisodes(of: 12, in: .tvdb, episodeCount: 26))
        #expect(chobits.episodes.count == 26)
        #expect(chobits.episodes.contains(.init(season: 0, number: 1)) && chobits.episodes.contains(.init(season: 0, number: 2)))
        #expect(chobits.episodes.filter { $0.season == 1 }.map(\.number) == Array(1...24))
        #expect(chobits.summary == "S00E01–S00E02, S01E01–S01E24")
    }

    @Test("the episode read back through the mapping is the same anime and episode")
    func roundTrip() throws {
        for aid in [10523, 10866, 10867] {
            guard let forward = mapping.foreignEpisodes(of: aid, in: .tvdb, episodeCount: 12) else { continue }
            for (index, episode) in forward.episodes.enumerated() {
                let back = mapping.episode(in: .tvdb, series: forward.series, season: episode.season ?? 1, episode: episode.number) { _ in 12 }
                #expect(back?.aid == aid && back?.episode == String(index + 1), "\(aid) \(episode)")
            }
        }
        #expect(mapping.foreignEpisodes(of: 999_999_999, in: .tvdb, episodeCount: 12) == nil)
    }
}
