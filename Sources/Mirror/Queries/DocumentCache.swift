import NIOCore
import Synchronization

/// Served documents kept in memory, so a hot `/anime/{aid}` costs no database read at all.
///
/// Bounded by bytes. Eviction is random rather than LRU: O(1) with no bookkeeping on hits, and for the
/// access patterns we see (Kometa walking a library, clients re-reading hot entries) close to LRU.
/// Entries are dropped when this process stores a new version of the document, and the whole cache is
/// dropped when the database changes under us (another process importing), checked at most once a second.
public final class DocumentCache: Sendable {
    /// Something that changes whenever the database file is written (sizes and times of the file and its WAL).
    public typealias ChangeProbe = @Sendable () -> [Int]

    private struct State {
        var entries: [Int: ServedBuffer] = [:]
        var keys: [Int] = []
        var positions: [Int: Int] = [:]
        var bytes = 0
        var generator = SystemRandomNumberGenerator()
        var lastProbe: ContinuousClock.Instant?
        var lastToken: [Int] = []
    }

    public let capacityBytes: Int
    private let probe: ChangeProbe?
    private let probeInterval: Duration
    private let state = Mutex(State())

    public init(capacityBytes: Int, probeInterval: Duration = .seconds(1), changeProbe: ChangeProbe? = nil) {
        self.capacityBytes = capacityBytes
        self.probe = changeProbe
        self.probeInterval = probeInterval
    }

    private static func key(_ aid: Int, _ mature: Bool) -> Int { aid << 1 | (mature ? 1 : 0) }

    func get(aid: Int, mature: Bool) -> ServedBuffer? {
        if let probe { checkForOutsideChanges(probe) }
        return state.withLock { $0.entries[Self.key(aid, mature)] }
    }

    func put(_ document: ServedBuffer, aid: Int, mature: Bool) {
        let size = document.body.readableBytes
        guard size <= capacityBytes / 8 else { return }  // one document never crowds out the rest
        state.withLock { state in
            let key = Self.key(aid, mature)
            if state.entries[key] != nil { Self.remove(key, from: &state) }
            while state.bytes + size > capacityBytes, !state.keys.isEmpty {
                let victim = state.keys[Int.random(in: 0..<state.keys.count, using: &state.generator)]
                Self.remove(victim, from: &state)
            }
            state.entries[key] = document
            state.positions[key] = state.keys.count
            state.keys.append(key)
            state.bytes += size
        }
    }

    /// Drops both variants of these aids (called after they were stored anew).
    func invalidate(_ aids: some Sequence<Int>) {
        state.withLock { state in
            for aid in aids {
                Self.remove(Self.key(aid, true), from: &state)
                Self.remove(Self.key(aid, false), from: &state)
            }
        }
    }

    public var byteCount: Int { state.withLock { $0.bytes } }

    private func checkForOutsideChanges(_ probe: ChangeProbe) {
        let now = ContinuousClock.now
        let due = state.withLock { state -> Bool in
            guard state.lastProbe.map({ now - $0 >= probeInterval }) ?? true else { return false }
            state.lastProbe = now
            return true
        }
        guard due else { return }
        let token = probe()
        state.withLock { state in
            if token != state.lastToken {
                state.lastToken = token
                state.entries.removeAll()
                state.keys.removeAll()
                state.positions.removeAll()
                state.bytes = 0
            }
        }
    }

    private static func remove(_ key: Int, from state: inout State) {
        guard let document = state.entries.removeValue(forKey: key), let position = state.positions.removeValue(forKey: key)
        else { return }
        state.bytes -= document.body.readableBytes
        let last = state.keys.removeLast()
        if position < state.keys.count {
            state.keys[position] = last
            state.positions[last] = position
        }
    }
}
