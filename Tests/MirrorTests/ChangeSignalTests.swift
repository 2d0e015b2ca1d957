import Foundation
import Testing

@testable import Mirror

/// The hand-off from the fetcher to what waits for the titles dump: no change is lost between a look and a wait.
@Suite("change signal")
struct ChangeSignalTests {
    @Test("every waiter wakes at a change; a change between the look and the wait returns at once; no change times out")
    func wakesEveryone() async {
        let signal = ChangeSignal()
        let looked = signal.generation
        async let first = signal.wait(after: looked, seconds: 30)
        async let second = signal.wait(after: looked, seconds: 30)
        // Whether they are already waiting or look only after this, both return with the change.
        signal.signal()
        let woken = await (first, second)
        #expect(woken == (true, true))
        #expect(await signal.wait(after: looked, seconds: 30), "the change came after the look: no wait")
        let started = ContinuousClock.now
        #expect(await !signal.wait(after: signal.generation, seconds: 0.2))
        #expect(ContinuousClock.now - started >= .milliseconds(200))
    }
}
