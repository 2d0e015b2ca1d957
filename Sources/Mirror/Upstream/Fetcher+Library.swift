/// What asking the mirror for documents on the library's behalf did.
public struct DocumentWish: Sendable, Codable, Equatable {
    /// Aids asked for.
    public var wanted: Int
    /// Already stored by now: nothing to fetch.
    public var stored: Int
    /// AniDB said lately it has no such anime.
    public var notFound: Int
    /// In the queue now (newly or already).
    public var queued: Int
    /// Refused because the queue is full.
    public var refused: Int
    /// How many documents the queue holds in all, and how many AniDB requests are left today.
    public var queueSize: Int
    public var requestsLeftToday: Int
    public var dailyLimit: Int
    /// Plain words for the wait, when there is one ("… fetched over about 3 days, 200 a day").
    public var message: String?
}

extension Fetcher {
    /// Queues documents the library wants, behind anything a client asked for. The fetcher takes them one at a time
    /// within the daily budget; nothing here contacts AniDB.
    public func want(_ aids: [Int]) async throws -> DocumentWish {
        let now = clock.now()
        var wish = DocumentWish(
            wanted: aids.count,
            stored: 0,
            notFound: 0,
            queued: 0,
            refused: 0,
            queueSize: 0,
            requestsLeftToday: 0,
            dailyLimit: limits.dailyLimit
        )
        let outcome = try await ledger.enqueueMissing(aids, priority: .library, now: now, notFoundFor: limits.staleAfter)
        wish.stored = outcome.stored
        wish.notFound = outcome.notFound
        wish.queued = outcome.queued
        wish.refused = outcome.refused
        if wish.queued > 0 { wake.signal() }
        let snapshot = try await snapshot()
        wish.queueSize = snapshot.queueSize
        wish.requestsLeftToday = snapshot.requestsLeft24h
        if wish.queued > 0 {
            if !settings.isEnabled {
                wish.message = "\(wish.queued) AniDB documents are wanted, but fetching from AniDB is off on this mirror"
            } else if snapshot.queueSize > max(0, snapshot.requestsLeft24h - limits.dailyLimit / 4) {
                let perDay = max(limits.libraryDailyLimit, 1)
                let days = Double(snapshot.queueSize) / Double(perDay)
                wish.message =
                    "\(wish.queued) AniDB documents queued; \(snapshot.queueSize) wait in all and the library may use \(perDay) of the \(limits.dailyLimit) AniDB requests a day, so they follow over about \(Int(days.rounded(.up))) days"
            } else {
                wish.message = "\(wish.queued) AniDB documents queued; they are fetched one every \(Int(limits.minInterval)) s or more"
            }
        }
        if wish.refused > 0 {
            wish.message = (wish.message.map { $0 + "; " } ?? "") + "\(wish.refused) refused: the queue is full"
        }
        return wish
    }
}
