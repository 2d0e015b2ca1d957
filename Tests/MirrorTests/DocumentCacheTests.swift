import NIOCore
import Synchronization
import Testing

@testable import Mirror

@Suite("document cache")
struct DocumentCacheTests {
    func document(_ size: Int, etag: String = "\"e\"") -> ServedBuffer {
        ServedBuffer(body: ByteBuffer(repeating: 65, count: size), etag: etag, fetchedAt: 0, isFiltered: false)
    }

    @Test("bounded by bytes, variants kept apart")
    func bounded() {
        let cache = DocumentCache(capacityBytes: 10_000)
        for aid in 1...50 { cache.put(document(1_000), aid: aid, mature: true) }
        #expect(cache.byteCount <= 10_000)
        #expect((1...50).filter { cache.get(aid: $0, mature: true) != nil }.count == 10)
        #expect(cache.get(aid: 50, mature: false) == nil)
        cache.put(document(5_000), aid: 99, mature: true)
        #expect(cache.get(aid: 99, mature: true) == nil, "one document may not take more than an eighth")
    }

    @Test("storing a document drops its cached copies")
    func invalidatedOnStore() async throws {
        let store = MirrorStore(writer: try TestDatabase.store().writer, cache: DocumentCache(capacityBytes: 1 << 20))
        let parser = AnimeDocumentParser()
        try store.store(
            [try StoredDocument.validate(SyntheticDocument.make(aid: 5, title: "One"), expectedAID: 5, fileTime: 1, parser: parser)],
            now: 1
        )
        let first = try #require(try await store.servedBuffer(aid: 5, mature: true))
        #expect(store.cache?.get(aid: 5, mature: true)?.etag == first.etag)
        try store.store(
            [try StoredDocument.validate(SyntheticDocument.make(aid: 5, title: "Two"), expectedAID: 5, fileTime: 2, parser: parser)],
            now: 2
        )
        #expect(store.cache?.get(aid: 5, mature: true) == nil)
        let second = try #require(try await store.servedBuffer(aid: 5, mature: true))
        #expect(String(decoding: second.xml, as: UTF8.self).contains("Two"))
    }

    @Test("a change seen by the probe clears everything")
    func probe() {
        let token = Mutex([1])
        let cache = DocumentCache(capacityBytes: 1 << 20, probeInterval: .zero) { token.withLock { $0 } }
        #expect(cache.get(aid: 1, mature: true) == nil)  // the first probe records the database's state
        cache.put(document(100), aid: 1, mature: true)
        #expect(cache.get(aid: 1, mature: true) != nil)
        token.withLock { $0 = [2] }  // another process wrote to the database
        #expect(cache.get(aid: 1, mature: true) == nil)
        #expect(cache.byteCount == 0)
    }
}
