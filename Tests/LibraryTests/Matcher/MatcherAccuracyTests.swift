import Foundation
import Testing

@testable import Library

@Suite("matcher accuracy on real release names and the real 2015 titles dump")
struct MatcherAccuracyTests {
    /// Right aid and episode together, out of the labelled names. The count may only go up.
    static let required = 246

    @Test("labelled release names get the right aid and episode")
    func labelledNames() throws {
        let labels = MatcherFixture.labels
        let library = try MatcherFixture.Library(labels.map(\.path))
        let matcher = Matcher(catalog: MatchCatalog(titles: MatcherFixture.dumpTitles, anime: [:]))
        let files = try library.index.files()
        let run = matcher.match(files, minConfidence: 0.8)
        let byPath = Dictionary(uniqueKeysWithValues: run.matches.map { ($0.path, $0) })
        var right = 0
        var naive = 0
        var appliedWrong: [String] = []
        var failures: [String] = []
        let exact = Dictionary(grouping: MatcherFixture.dumpTitles, by: { $0.text.lowercased() })
        for label in labels {
            let match = try #require(byPath[library.root + "/" + label.path])
            if match.aid == label.aid && match.episode == label.episode {
                right += 1
            } else {
                failures.append(
                    "\(label.path): want \(label.aid)/\(label.episode ?? "-"), got \(match.aid.map(String.init) ?? "nil")/\(match.episode ?? "-") (\(match.confidence)) \(match.candidates.prefix(2).map { "\($0.aid) \($0.title) \($0.score)" })"
                )
                if match.applied { appliedWrong.append(label.path) }
            }
            // The naive peer: the parsed title looked up exactly (case-insensitive) among all titles.
            let file = files.first { $0.path == match.path }
            if let title = file?.title?.lowercased(), exact[title]?.contains(where: { $0.aid == label.aid }) == true { naive += 1 }
        }
        let applied = run.matches.count { $0.applied }
        print(
            "matcher: \(right)/\(labels.count) right (aid and episode), \(applied) applied, \(appliedWrong.count) applied wrongly; naive exact title: \(naive)/\(labels.count)"
        )
        for failure in failures { print("  miss: \(failure)") }
        #expect(right >= Self.required)
        #expect(appliedWrong.count <= 1, "applied but wrong: \(appliedWrong)")
    }
}
