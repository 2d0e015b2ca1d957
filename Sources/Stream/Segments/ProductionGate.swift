/// Segments a player waits for go before segments made ahead of time: while a waited-for transcode runs,
/// prefetching transcodes hold back, so on a 2-core machine the first segment after a start or a seek gets
/// the CPU to itself.
actor ProductionGate {
    private var urgent = 0
    private var held: [CheckedContinuation<Void, Never>] = []

    func beginUrgent() { urgent += 1 }

    func endUrgent() {
        urgent -= 1
        guard urgent == 0 else { return }
        let released = held
        held = []
        for waiter in released { waiter.resume() }
    }

    /// Returns once no waited-for transcode is running.
    func waitUntilNoUrgentWork() async {
        guard urgent > 0 else { return }
        await withCheckedContinuation { held.append($0) }
    }
}
