import Foundation
import Numbering
import Testing

@testable import Library

@Suite("matcher II: libraries numbered by TVDB or TMDB (Sonarr, Plex, Jellyfin layouts)")
struct SonarrLayoutTests {
    static let labels: [MatcherFixture.Label] = {
        let url = MatcherFixture.directory.appendingPathComponent("sonarr-layout.tsv")
        let text = try! String(contentsOf: url, encoding: .utf8)
        return text.split(separator: "\n").compactMap { line in
            guard !line.hasPrefix("#") else { return nil }
            let columns = line.split(separator: "\t", omittingEmptySubsequences: false)
            guard columns.count == 3, let aid = Int(columns[0]) else { return nil }
            return .init(aid: aid, episode: columns[1].isEmpty ? nil : String(columns[1]), path: String(columns[2]))
        }
    }()

    static func run(
        _ mapping: CommunityMapping,
        labels: [MatcherFixture.Label] = labels
    ) throws -> (right: Int, byPath: [String: FileMatch], misses: [String]) {
        let library = try MatcherFixture.Library(labels.map(\.path))
        let matcher = Matcher(catalog: MatchCatalog(titles: MatcherFixture.dumpTitles, anime: [:], mapping: mapping))
        let run = matcher.match(try library.index.files(), minConfidence: 0.8)
        let byPath = Dictionary(uniqueKeysWithValues: run.matches.map { (String($0.path.dropFirst(library.root.count + 1)), $0) })
        var misses: [String] = []
        var right = 0
        for label in labels {
            let match = try #require(byPath[label.path])
            if match.applied, match.aid == label.aid, match.episode == label.episode {
                right += 1
            } else {
                misses.append(
                    "\(label.path): want \(label.aid)/\(label.episode ?? "-"), got \(match.aid.map(String.init) ?? "nil")/\(match.episode ?? "-") applied \(match.applied) \(match.note ?? "")"
                )
            }
        }
        return (right, byPath, misses)
    }

    @Test("every labelled file gets its anime and episode through the mapping; without it few do")
    func layouts() throws {
        let with = try Self.run(MappingFixture.mapping)
        let without = try Self.run(.empty)
        print("sonarr layouts: \(with.right)/\(Self.labels.count) right with the community mapping, \(without.right) without it")
        for miss in with.misses { print("  miss: \(miss)") }
        #expect(with.right == Self.labels.count, "\(with.misses)")
        #expect(without.right < Self.labels.count / 2)
    }

    @Test("each match says how it was made, in both numberings")
    func provenance() throws {
        let byPath = try Self.run(MappingFixture.mapping).byPath
        let ten = try #require(byPath["Durarara!! (2010) {tvdb-133341}/Season 02/Durarara!! - S02E13 - Episode Title [WEBDL-1080p].mkv"])
        #expect(ten.method == .tag)
        #expect(ten.numbering?.summary == "TVDB S02E13 → Durarara!!x2 Ten, episode 1 (anime-lists)")
        #expect(ten.numbering?.rule == "the default season and offset 12")
        #expect(ten.confidence == 1 && ten.note == nil)
        let special = try #require(byPath["Durarara!! (2010) {tvdb-133341}/Season 00/Durarara!! - S00E04 - Dufufufu [WEBDL-720p].mkv"])
        #expect(special.numbering?.rule == "an episode mapping")
        let tmdb = try #require(
            byPath[
                "Re Zero - Starting Life in Another World (2016) {tmdb-65942}/Season 01/Re Zero - Starting Life in Another World - S01E30 - Episode Title [WEBDL-1080p].mkv"
            ]
        )
        #expect(tmdb.numbering?.place == "TMDB S01E30" && tmdb.numbering?.scheme == "tmdb")
        let untagged = try #require(byPath["Durarara!!/Season 02/Durarara!! - S02E13 - Episode Title.mkv"])
        #expect(untagged.method == .mapping && untagged.numbering?.summary.hasPrefix("TVDB S02E13 → ") == true)
        let movie = try #require(byPath["Kimi no Na wa. (2016) [imdbid-tt5311514]/Kimi no Na wa. (2016) [imdbid-tt5311514] - [Remux-1080p].mkv"])
        #expect(movie.method == .tag && movie.numbering?.place == "IMDb tt5311514")
        // The tag wins over a folder title naming another series, and says so.
        let conflict = try #require(byPath["Fate Zero (2011) {tvdb-133341}/Season 02/Fate Zero - S02E13 - Wrong Folder Name.mkv"])
        #expect(conflict.aid == 10866 && conflict.method == .tag)
        #expect(
            conflict.note?.contains("the tag names TVDB series 133341") == true && conflict.note?.contains("the tag wins") == true,
            "\(conflict.note ?? "")"
        )
        // A garbage tag is named and ignored; the title still finds the series.
        let garbage = try #require(byPath["Durarara!! (2010) {tvdb-abc}/Season 02/Durarara!! - S02E13 - Episode Title.mkv"])
        #expect(garbage.note?.contains("ignored {tvdb-abc}: not an id") == true, "\(garbage.note ?? "")")
        #expect(garbage.method == .mapping)
        // A fansub name in a tagged folder keeps AniDB's numbering.
        let fansub = try #require(byPath["Durarara!! (2010) {tvdb-133341}/Season 02/[HorribleSubs] Durarara!!x2 Ten - 02 [720p].mkv"])
        #expect(fansub.method == .title && fansub.numbering == nil)
    }

    @Test("the mapping loses no fansub name (the labelled release names, with the whole real mapping)")
    func fansubNamesKept() throws {
        let labels = MatcherFixture.labels
        let library = try MatcherFixture.Library(labels.map(\.path))
        let files = try library.index.files()
        let plain = Matcher(catalog: MatchCatalog(titles: MatcherFixture.dumpTitles, anime: [:])).match(files, minConfidence: 0.8)
        let mapped = Matcher(catalog: MatchCatalog(titles: MatcherFixture.dumpTitles, anime: [:], mapping: MappingFixture.full))
            .match(files, minConfidence: 0.8)
        let before = Dictionary(uniqueKeysWithValues: plain.matches.map { (String($0.path.dropFirst(library.root.count + 1)), $0) })
        let after = Dictionary(uniqueKeysWithValues: mapped.matches.map { (String($0.path.dropFirst(library.root.count + 1)), $0) })
        var lost: [String] = []
        var changed = 0
        for label in labels {
            let old = try #require(before[label.path])
            let new = try #require(after[label.path])
            let wasRight = old.aid == label.aid && old.episode == label.episode
            let isRight = new.aid == label.aid && new.episode == label.episode
            if wasRight && !isRight || !isRight && new.applied && !old.applied { lost.append("\(label.path): \(new.aid ?? 0)/\(new.episode ?? "-")") }
            if old.aid != new.aid || old.episode != new.episode || old.applied != new.applied { changed += 1 }
        }
        print("fansub names with the whole mapping: \(changed) of \(labels.count) changed, \(lost.count) lost")
        #expect(lost.isEmpty, "\(lost)")
    }
}
