import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// GitHub's raw file host as the mapping downloader meets it, on a real local socket: each file with a strong ETag,
/// `304 Not Modified` for a matching `If-None-Match`, and whatever status or body a test sets for the next requests.
final class FakeFileHost: Sendable {
    struct Request: Sendable {
        var path: String
        var ifNoneMatch: String?
    }

    private struct State {
        var files: [String: [UInt8]] = [:]
        var requests: [Request] = []
        /// Answers for the next requests, in order: a status, or 200 with these bytes whatever the file is.
        var next: [(status: Int, body: [UInt8]?)] = []
    }

    private final class Shared: Sendable {
        let state = Mutex(State())
    }

    private let shared: Shared
    private let server: Task<Void, any Error>
    let port: Int

    func url(_ path: String) -> String { "http://127.0.0.1:\(port)/\(path)" }
    var requests: [Request] { shared.state.withLock { $0.requests } }

    func put(_ path: String, _ bytes: [UInt8]) { shared.state.withLock { $0.files[path] = bytes } }
    func answerNext(status: Int, body: [UInt8]? = nil) { shared.state.withLock { $0.next.append((status, body)) } }

    static func etag(_ bytes: [UInt8]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return "\"\(String(hash, radix: 16))\""
    }

    static func start() async throws -> FakeFileHost {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let shared = Shared()
        let router = Router()
        router.get("**") { request, _ -> Response in
            let path = String(request.uri.path.dropFirst())
            let ifNoneMatch = request.headers[.ifNoneMatch]
            let (file, scripted) = shared.state.withLock { state -> ([UInt8]?, (status: Int, body: [UInt8]?)?) in
                state.requests.append(Request(path: path, ifNoneMatch: ifNoneMatch))
                return (state.files[path], state.next.isEmpty ? nil : state.next.removeFirst())
            }
            if let scripted {
                if let body = scripted.body {
                    return Response(
                        status: .init(code: scripted.status),
                        headers: [.eTag: etag(body)],
                        body: .init(byteBuffer: ByteBuffer(bytes: body))
                    )
                }
                return Response(status: .init(code: scripted.status))
            }
            guard let file else { return Response(status: .notFound) }
            let tag = etag(file)
            if ifNoneMatch == tag { return Response(status: .notModified, headers: [.eTag: tag]) }
            return Response(
                status: .ok,
                headers: [.eTag: tag, .contentType: "text/plain; charset=utf-8"],
                body: .init(byteBuffer: ByteBuffer(bytes: file))
            )
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "fake-file-host")
                logger.logLevel = .critical
                return logger
            }()
        )
        let server = Task { try await app.runService() }
        var iterator = portStream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return FakeFileHost(shared: shared, server: server, port: port)
    }

    private init(shared: Shared, server: Task<Void, any Error>, port: Int) {
        self.shared = shared
        self.server = server
        self.port = port
    }

    func stop() { server.cancel() }
}
