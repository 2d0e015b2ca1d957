import Foundation

/// A chapter of a file (Matroska or MP4 chapters, read with libavformat): where it starts and ends, in media time
/// from the file's start, and its name.
public struct Chapter: Sendable, Codable, Equatable {
    public var title: String?
    public var start: Double
    public var end: Double

    public init(title: String?, start: Double, end: Double) {
        self.title = title
        self.start = start
        self.end = end
    }

    /// What the chapter is, from its name.
    public var kind: ChapterKind { ChapterKind(title: title) }

    /// Longest title kept: a file can hold anything, a page shows a line.
    static let titleLimit = 200

    /// Chapters as a player can use them: inside the file's running time, in order, not overlapping (a chapter ends
    /// where the next begins), none empty, titles trimmed and cut to `titleLimit` (an empty one is none).
    public static func normalised(_ chapters: [Chapter], duration: Double) -> [Chapter] {
        let end = duration > 0 ? duration : .infinity
        var sorted = chapters.compactMap { chapter -> Chapter? in
            guard chapter.start.isFinite, chapter.end.isFinite || chapter.end == .infinity else { return nil }
            let start = min(max(0, chapter.start), end)
            let stop = min(max(start, chapter.end), end)
            var title = chapter.title?.trimmingCharacters(in: .whitespacesAndNewlines)
            if let text = title, text.count > titleLimit { title = String(text.prefix(titleLimit)) + "…" }
            return Chapter(title: title?.isEmpty == false ? title : nil, start: start, end: stop)
        }
        .filter { $0.end - $0.start >= 0.5 }
        .sorted { $0.start != $1.start ? $0.start < $1.start : $0.end < $1.end }
        for index in sorted.indices.dropLast() where sorted[index].end > sorted[index + 1].start {
            sorted[index].end = sorted[index + 1].start
        }
        return sorted.filter { $0.end - $0.start >= 0.5 }
    }
}

/// What a chapter is, read from the names fansub and Blu-ray releases give chapters (`OP`, `Opening`, `ED`,
/// `Credits`, `Preview`, `Avant`, `オープニング`…), case-insensitive. A name that says none of these is part of the
/// `episode`; so is a chapter without a name. Nothing is guessed from times.
public enum ChapterKind: String, Sendable, Codable, CaseIterable {
    case opening, ending, preview, recap, prologue, episode

    public init(title: String?) {
        guard let title, !title.isEmpty else {
            self = .episode
            return
        }
        let lower = title.lowercased()
        // Japanese names first: they have no spaces to split on.
        for (words, kind) in Self.japanese where words.contains(where: { lower.contains($0) }) {
            self = kind
            return
        }
        let words = lower.split { !($0.isLetter || $0.isNumber) }.map(String.init)
        let text = " " + words.joined(separator: " ") + " "
        for (kind, phrases, tokens) in Self.latin {
            if phrases.contains(where: { text.contains(" \($0) ") }) || words.contains(where: { Self.matches($0, tokens) }) {
                self = kind
                return
            }
        }
        self = .episode
    }

    /// `op`, `op1`, `op2`…: a token that is one of `tokens`, or one of them followed by digits.
    static func matches(_ word: String, _ tokens: [String]) -> Bool {
        tokens.contains { token in
            guard word.hasPrefix(token) else { return false }
            let rest = word.dropFirst(token.count)
            return rest.isEmpty || rest.allSatisfy(\.isNumber)
        }
    }

    static let japanese: [([String], ChapterKind)] = [
        (["オープニング", "ＯＰ"], .opening),
        (["エンディング", "ＥＤ"], .ending),
        (["予告"], .preview),
        (["あらすじ", "総集編"], .recap),
        (["アバン", "プロローグ"], .prologue),
    ]

    /// In order: the first kind whose phrase or word a name has wins (`Opening Credits` is the opening; `Next
    /// Episode Preview` the preview, not the episode).
    static let latin: [(ChapterKind, phrases: [String], tokens: [String])] = [
        (.preview, ["next episode", "next ep", "next time", "next week", "episode preview"], ["preview", "pv", "yokoku", "nextep"]),
        (.opening, ["opening credits", "opening song", "opening theme", "title sequence"], ["op", "opening", "intro", "introduction", "oped"]),
        (.ending, ["end credits", "ending song", "ending theme", "closing credits", "end card"], ["ed", "ending", "credits", "outro", "endcard"]),
        (.recap, ["previously on", "last time"], ["recap", "previously", "summary"]),
        (.prologue, ["cold open", "pre op", "pre opening", "avant title"], ["prologue", "avant", "avan", "coldopen"]),
    ]
}
