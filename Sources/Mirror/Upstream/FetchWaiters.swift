/// How a fetch the fetcher attempted for an aid ended, as told to clients waiting for it.
public enum FetchEvent: Sendable, Equatable {
    /// The document is stored; read it from the store.
    case stored
    /// AniDB has no such anime.
    case notFound
    /// The attempt failed (ban, client error, network, bad body); the aid may stay queued.
    case failed(String)
}

/// Clients waiting for an aid to be fetched. Any number may wait on one aid; the fetcher makes one
/// upstream request and wakes them all.
///
/// A client takes a ticket *before* it looks the aid up, so a fetch that finishes between the lookup and
/// the wait is not missed: its event is kept on the ticket.
final class FetchWaiters: Sendable {
    private struct Ticket {
        var aid: Int
        var event: FetchEvent?
        var continuation: CheckedContinuation<FetchEvent?, Never>?
    }

    private struct State {
        var nextTicket = 0
        var tickets: [Int: Ticket] = [:]
        var ticketsByAID: [Int: Set<Int>] = [:]

        mutating func remove(_ ticket: Int) -> Ticket? {
            guard let removed = tickets.removeValue(forKey: ticket) else { return nil }
            ticketsByAID[removed.aid]?.remove(ticket)
            if ticketsByAID[removed.aid]?.isEmpty == true { ticketsByAID[removed.aid] = nil }
            return removed
        }
    }

    private let state = LockedBox(State())

    /// Starts listening for `aid`; pair with `wait(_:until:clock:)` or `cancel(_:)`.
    func register(_ aid: Int) -> Int {
        state.withLock { state in
            state.nextTicket += 1
            state.tickets[state.nextTicket] = Ticket(aid: aid)
            state.ticketsByAID[aid, default: []].insert(state.nextTicket)
            return state.nextTicket
        }
    }

    /// Stops listening; returns the event if the aid was settled meanwhile.
    @discardableResult
    func cancel(_ ticket: Int) -> FetchEvent? {
        let removed = state.withLock { $0.remove(ticket) }
        removed?.continuation?.resume(returning: nil)
        return removed?.event
    }

    /// Waits until the fetcher settles the ticket's aid or `deadline` (on `clock`) passes; nil on time-out.
    func wait(_ ticket: Int, until deadline: Double, clock: any MirrorClock) async -> FetchEvent? {
        let event = await withTaskGroup(of: FetchEvent?.self) { group in
            group.addTask { await self.event(for: ticket) }
            group.addTask {
                try? await clock.sleep(until: deadline)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        cancel(ticket)
        return event
    }

    /// Wakes everyone waiting for `aid`.
    func settle(_ aid: Int, with event: FetchEvent) {
        let waiting = state.withLock { state -> [CheckedContinuation<FetchEvent?, Never>] in
            var ready: [CheckedContinuation<FetchEvent?, Never>] = []
            for ticket in state.ticketsByAID[aid] ?? [] {
                if let continuation = state.tickets[ticket]?.continuation {
                    ready.append(continuation)
                    _ = state.remove(ticket)
                } else {
                    state.tickets[ticket]?.event = event
                }
            }
            return ready
        }
        for continuation in waiting { continuation.resume(returning: event) }
    }

    /// Wakes every waiter (the fetcher is stopping).
    func settleAll(with event: FetchEvent) {
        let aids = state.withLock { Array($0.ticketsByAID.keys) }
        for aid in aids { settle(aid, with: event) }
    }

    /// Tickets not yet waited on or cancelled.
    var count: Int { state.withLock { $0.tickets.count } }

    private func event(for ticket: Int) async -> FetchEvent? {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let now = state.withLock { state -> FetchEvent?? in
                    guard let entry = state.tickets[ticket], !Task.isCancelled else { return .some(nil) }
                    if let event = entry.event { return .some(event) }
                    state.tickets[ticket]?.continuation = continuation
                    return .none
                }
                if case .some(let event) = now { continuation.resume(returning: event) }
            }
        } onCancel: {
            let continuation = state.withLock { state -> CheckedContinuation<FetchEvent?, Never>? in
                defer { state.tickets[ticket]?.continuation = nil }
                return state.tickets[ticket]?.continuation
            }
            continuation?.resume(returning: nil)
        }
    }
}
