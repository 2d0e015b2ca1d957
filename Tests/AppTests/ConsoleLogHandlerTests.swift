import Foundation
import Logging
import Testing

@testable import App

/// The server's log lines read as swift-log's `StreamLogHandler` wrote them (people and scripts grep them).
@Suite("console log lines")
struct ConsoleLogHandlerTests {
    final class Captured: TextOutputStream, @unchecked Sendable {
        var text = ""
        func write(_ string: String) { text += string }
    }

    @Test("the same line as StreamLogHandler for the same event: handler metadata, the call's own, an error; none")
    func sameLines() {
        var ours = ConsoleLogHandler(label: "anikura")
        let captured = Captured()
        var theirs = StreamLogHandler(label: "anikura", stream: captured, metadataProvider: nil)
        ours[metadataKey: "hb.request.id"] = "42"
        theirs[metadataKey: "hb.request.id"] = "42"
        struct Failure: Error {}
        let events = [
            LogEvent(level: .info, message: "plain", metadata: nil, source: "App", file: #fileID, function: #function, line: #line),
            LogEvent(
                level: .error,
                message: "request failed",
                metadata: ["path": "/anime/1", "a": "first"],
                source: "Mirror",
                file: #fileID,
                function: #function,
                line: #line
            ),
        ]
        for event in events {
            captured.text = ""
            theirs.log(event: event)
            // The time differs at most by a second; the rest is the same.
            #expect(ours.line(event).drop { $0 != " " } == captured.text.drop { $0 != " " })
        }
        ours.metadata = [:]
        #expect(ours.line(events[0]).hasSuffix(" info anikura: [App] plain\n"))
    }
}
