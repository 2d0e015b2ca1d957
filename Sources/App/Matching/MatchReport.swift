import Foundation
import Library
import Mirror

/// What a matching run did (the `match` job's result and the CLI's summary).
struct MatchReport: Sendable, Codable, Equatable {
    var files: Int
    /// Matches that count: manual, or automatic at or above `matcher.min_confidence`.
    var applied: Int
    /// Files whose best candidate is below `matcher.min_confidence`: they wait for a person.
    var waiting: Int
    /// Files with no candidate at all.
    var unmatched: Int
    var manual: Int
    /// Titles matched against (titles dump and stored documents).
    var titles: Int
    var seconds: Double
    /// What was asked of the mirror's queue, and how long it will take.
    var documents: DocumentWish?
    /// Said when matching could not be done well: no titles dump yet, say.
    var warning: String?

    var summary: String {
        var text =
            "matched \(files) files: \(applied) applied (\(manual) by hand), \(waiting) waiting for a person, \(unmatched) with no candidate, against \(titles) titles in \(String(format: "%.2f", seconds)) s"
        if let message = documents?.message { text += "\n" + message }
        if let warning { text += "\nwarning: " + warning }
        return text
    }
}
