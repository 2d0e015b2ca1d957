import Mirror
import NIOCore

/// Every open HTTP connection and whether it is idle (waiting for a request head), so that a new connection
/// beyond the cap sheds the one that has been idle longest instead of being refused while silent sockets
/// hold the slots.
final class ConnectionRegistry: Sendable {
    private struct Entry {
        var channel: any Channel
        /// When the connection last became idle (a counter, not a clock: only the order matters); nil while busy.
        var idleSince: UInt64?
    }

    private struct State {
        var entries: [UInt64: Entry] = [:]
        var nextID: UInt64 = 0
        var tick: UInt64 = 0
    }

    let capacity: Int
    private let state = LockedBox(State())

    init(capacity: Int) { self.capacity = capacity }

    /// Adds a new, idle connection. Returns its id, or nil when the registry is full of busy connections (the
    /// caller closes the new one). A connection shed to make room is closed here.
    func register(_ channel: any Channel) -> UInt64? {
        let (id, victim) = state.withLock { state -> (UInt64?, (any Channel)?) in
            var victim: (any Channel)?
            if state.entries.count >= capacity {
                guard
                    let oldest = state.entries.filter({ $0.value.idleSince != nil })
                        .min(by: { $0.value.idleSince! < $1.value.idleSince! })
                else { return (nil, nil) }
                victim = oldest.value.channel
                state.entries[oldest.key] = nil
            }
            state.nextID += 1
            state.tick += 1
            state.entries[state.nextID] = Entry(channel: channel, idleSince: state.tick)
            return (state.nextID, victim)
        }
        victim?.close(promise: nil)
        return id
    }

    func setIdle(_ id: UInt64, _ idle: Bool) {
        state.withLock { state in
            guard state.entries[id] != nil else { return }
            state.tick += 1
            state.entries[id]!.idleSince = idle ? state.tick : nil
        }
    }

    func remove(_ id: UInt64) { state.withLock { _ = $0.entries.removeValue(forKey: id) } }
}
