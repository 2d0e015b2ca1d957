import Foundation
import GRDB
import Testing

@testable import Mirror

/// The request path reads documents synchronously on Swift's cooperative threads, while other queries are
/// async. Together they must never wait on each other for a reader connection.
@Suite("reader connections under load")
struct ReaderPoolTests {
    @Test(
        "synchronous document reads and async queries share a small reader pool without deadlock",
        .timeLimit(.minutes(2))
    )
    func syncAndAsyncReadsTogether() async throws {
        let directory = TemporaryDirectory()
        defer { directory.cleanup() }
        var configuration = Configuration()
        configuration.maximumReaderCount = 2
        let store = try TestDatabase.fileStore(path: directory.path + "/mirror.sqlite", configuration: configuration)
        let parser = AnimeDocumentParser()
        try store.store([try StoredDocument.validate(Fixtures.anime(959), expectedAID: 959, fileTime: 1, parser: parser)], now: 1)

        // Far more tasks than cooperative threads: with GRDB's async `read`, a task held its reader until it
        // resumed on a cooperative thread, and every such thread could be blocked waiting for a reader.
        let tasks = 8 * max(ProcessInfo.processInfo.activeProcessorCount, 2)
        let served = try await withThrowingTaskGroup(of: Int.self) { group in
            for task in 0..<tasks {
                group.addTask {
                    var count = 0
                    // Enough rounds for every task to wait on the two readers many times; few enough that a loaded CI
                    // machine finishes well inside the time limit, which is there to catch a deadlock.
                    for _ in 0..<50 {
                        if task.isMultiple(of: 2) {
                            if try await store.servedBuffer(aid: 959, mature: false) != nil { count += 1 }
                        } else {
                            if try await store.animeRecord(aid: 959) != nil { count += 1 }
                            _ = try await store.notFoundAt(aid: 959)
                        }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        #expect(served == tasks * 50)
    }
}
