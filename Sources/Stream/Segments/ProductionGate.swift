/// Segments a player waits for go before segments made ahead of time: while a waited-for transcode runs,
/// prefetching transcodes hold back, so on a 2-core machine the first segment after a start or a seek gets
/// the CPU to itself.
actor ProductionGate {
    private var urgent = 0
    private var held: [CheckedContinuation<Void, Never>] = []

    /// Urgent work enters at once and holds the gate; other work waits until no urgent work runs.
    func enter(urgent isUrgent: Bool) async {
        if isUrgent {
            urgent += 1
        } else if urgent > 0 {
            await withCheckedContinuation { held.append($0) }
        }
    }

    func leave(urgent isUrgent: Bool) {
        guard isUrgent else { return }
        urgent -= 1
        guard urgent == 0 else { return }
        let released = held
        held = []
        for waiter in released { waiter.resume() }
    }
}
