import Mirror
import MirrorPostgres
import Testing

/// The words instances send each other on PostgreSQL: what the ledger writes, the replicator reads back the same.
@Suite("ledger notifications")
struct LedgerNotificationTests {
    @Test("every kind reads back as written, outcomes by their stored word")
    func roundTrip() {
        let all: [LedgerNotification] = [
            .queued, .changed, .stored(aid: 12, instance: "host-a:41"),
            .settled(aid: 5909, outcome: .notFound, instance: "host-b:7"), .titles(outcome: .banned, instance: "h:1"),
            .mapping(name: "anime-list-master.xml", instance: "h:2"), .correction(aid: 3, instance: "h:3"),
        ]
        for notification in all { #expect(LedgerNotification(payload: notification.payload) == notification, "\(notification.payload)") }
        #expect(LedgerNotification.settled(aid: 1, outcome: .clientError, instance: "h:1").payload == "settled 1 client_error h:1")
        #expect(LedgerNotification.titles(outcome: .ok, instance: "h:1").instance == "h:1")
        #expect(LedgerNotification.queued.instance == nil)
    }

    @Test(
        "a payload this version does not know is nil, not a guess",
        arguments: [
            "", "queued now", "stored x h:1", "settled 1 exploded h:1", "settled 1 ok", "titles h:1", "renamed 1 h:1",
        ]
    )
    func unknown(payload: String) {
        #expect(LedgerNotification(payload: payload) == nil)
    }

    @Test("the request log's words are the ones earlier versions wrote")
    func storedWords() {
        #expect(UpstreamOutcome.allCases.map(\.rawValue) == ["ok", "banned", "not_found", "client_error", "transient", "invalid", "interrupted"])
    }
}
