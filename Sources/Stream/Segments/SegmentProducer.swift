/// Makes the segments of one rendition of one file, one at a time, however many clients ask.
///
/// A segment a client waits for goes first; otherwise the producer runs on from the last segment it made up
/// to a few segments past the latest request (prefetch), then stops. A seek needs no restart: a prefetch in
/// progress is abandoned (its ffmpeg killed) and the wanted segment is made next, from its own published
/// boundary, so where production started never changes a segment.
actor SegmentProducer {
    let count: Int
    let prefetch: Int
    let path: @Sendable (Int) -> String
    /// Makes segment `index`; `urgent` when a client is waiting for it (not a prefetch).
    let make: @Sendable (_ index: Int, _ urgent: Bool) async throws(StreamError) -> Void
    let cache: SegmentCache

    private struct Waiter {
        var id: UInt64
        var continuation: CheckedContinuation<Void, any Error>
    }

    private var waiters: [Int: [Waiter]] = [:]
    private var nextWaiter: UInt64 = 0
    private var next = 0
    private var horizon = -1
    private var running = false
    /// The segment being made now, and whether a client waits for it.
    private var current: (index: Int, task: Task<Void, any Error>)?
    private(set) var lastUsed = ContinuousClock.now

    init(
        count: Int,
        prefetch: Int,
        cache: SegmentCache,
        path: @escaping @Sendable (Int) -> String,
        make: @escaping @Sendable (_ index: Int, _ urgent: Bool) async throws(StreamError) -> Void
    ) {
        self.count = count
        self.prefetch = prefetch
        self.cache = cache
        self.path = path
        self.make = make
    }

    /// The path of segment `index` once it is on disk.
    func segment(_ index: Int) async throws -> String {
        lastUsed = .now
        horizon = min(count - 1, index + prefetch)
        let file = path(index)
        if await cache.contains(file) {
            next = max(next, index + 1)
            startIfNeeded()
            return file
        }
        nextWaiter += 1
        let id = nextWaiter
        // A client that stops waiting (a shutdown, a cancelled request) leaves; the segment is still made.
        try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
                guard !Task.isCancelled else { return continuation.resume(throwing: CancellationError()) }
                waiters[index, default: []].append(Waiter(id: id, continuation: continuation))
                // A player waits: a prefetch nobody waits for gives way.
                if let current, current.index != index, waiters[current.index] == nil { current.task.cancel() }
                startIfNeeded()
            }
        } onCancel: {
            Task { await self.leave(index, id) }
        }
        return file
    }

    private func leave(_ index: Int, _ id: UInt64) {
        guard let position = waiters[index]?.firstIndex(where: { $0.id == id }) else { return }
        let waiter = waiters[index]!.remove(at: position)
        if waiters[index]!.isEmpty { waiters.removeValue(forKey: index) }
        waiter.continuation.resume(throwing: CancellationError())
    }

    var isIdle: Bool { !running && waiters.isEmpty }

    /// Stops for good: the segment in progress is abandoned (its ffmpeg killed) and waiting clients get an error.
    func stop() {
        horizon = -1
        current?.task.cancel()
        let waiting = waiters.values.flatMap { $0 }
        waiters = [:]
        for waiter in waiting { waiter.continuation.resume(throwing: StreamError.production("the server is shutting down")) }
    }

    private func startIfNeeded() {
        guard !running else { return }
        running = true
        Task { await self.work() }
    }

    private func work() async {
        while let index = nextIndex() {
            next = index + 1
            let file = path(index)
            var failure: (any Error)?
            var abandoned = false
            if await !cache.contains(file) {
                let make = self.make
                let urgent = waiters[index] != nil
                let task = Task { try await make(index, urgent) }
                current = (index, task)
                do {
                    try await task.value
                    await cache.added(file)
                } catch {
                    failure = error
                    abandoned = task.isCancelled
                }
                current = nil
            }
            // Given way to a waiting player: anyone who asked for this one since keeps waiting for a new try.
            if abandoned { continue }
            let served = waiters.removeValue(forKey: index) ?? []
            // Idle time counts from when a client last got a segment, not from when it asked.
            if !served.isEmpty { lastUsed = .now }
            for waiter in served {
                if let failure { waiter.continuation.resume(throwing: failure) } else { waiter.continuation.resume() }
            }
            // A failed prefetch stops prefetching; the next request starts again.
            if failure != nil { horizon = -1 }
        }
        running = false
    }

    /// A waited-for segment first (the earliest), else the next prefetch, else nothing.
    private func nextIndex() -> Int? {
        if let wanted = waiters.keys.min() { return wanted }
        if next <= horizon && next < count { return next }
        return nil
    }
}
