public import Mirror

/// What one instance tells the others on the mirror's PostgreSQL channel. The payload is words separated by spaces,
/// the kind first and, for what one instance did, its name last (so it can skip its own): both the ledger, which
/// sends, and the replicator, which reads, go through this type.
public enum LedgerNotification: Sendable, Equatable {
    /// Work was added to the shared fetch queue.
    case queued
    /// Documents were written in bulk (an import, a copy): catch up by generation.
    case changed
    /// A document fetched from AniDB is stored.
    case stored(aid: Int, instance: String)
    /// An upstream request for `aid` ended without a document.
    case settled(aid: Int, outcome: UpstreamOutcome, instance: String)
    /// A titles dump download ended.
    case titles(outcome: UpstreamOutcome, instance: String)
    /// A community mapping file was downloaded and shared.
    case mapping(name: String, instance: String)
    /// A manual mapping correction was saved.
    case correction(aid: Int, instance: String)

    public var payload: String {
        switch self {
        case .queued: "queued"
        case .changed: "changed"
        case .stored(let aid, let instance): "stored \(aid) \(instance)"
        case .settled(let aid, let outcome, let instance): "settled \(aid) \(outcome.rawValue) \(instance)"
        case .titles(let outcome, let instance): "titles \(outcome.rawValue) \(instance)"
        case .mapping(let name, let instance): "mapping \(name) \(instance)"
        case .correction(let aid, let instance): "correction \(aid) \(instance)"
        }
    }

    /// Nil for a payload this version does not know (a newer instance's, say): the reader ignores it.
    public init?(payload: String) {
        let words = payload.split(separator: " ").map(String.init)
        switch (words.first, words.count) {
        case ("queued", 1): self = .queued
        case ("changed", 1): self = .changed
        case ("stored", 3):
            guard let aid = Int(words[1]) else { return nil }
            self = .stored(aid: aid, instance: words[2])
        case ("settled", 4):
            guard let aid = Int(words[1]), let outcome = UpstreamOutcome(rawValue: words[2]) else { return nil }
            self = .settled(aid: aid, outcome: outcome, instance: words[3])
        case ("titles", 3):
            guard let outcome = UpstreamOutcome(rawValue: words[1]) else { return nil }
            self = .titles(outcome: outcome, instance: words[2])
        case ("mapping", 3): self = .mapping(name: words[1], instance: words[2])
        case ("correction", 3):
            guard let aid = Int(words[1]) else { return nil }
            self = .correction(aid: aid, instance: words[2])
        default: return nil
        }
    }

    /// The instance that sent it, for the kinds that say.
    public var instance: String? {
        switch self {
        case .queued, .changed: nil
        case .stored(_, let instance), .settled(_, _, let instance), .titles(_, let instance), .mapping(_, let instance),
            .correction(_, let instance):
            instance
        }
    }
}
