import Foundation
import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Synchronization

/// A webhook receiver on a real local socket (a small Hummingbird server): records every request and answers with
/// the statuses it is given, in order, then 200.
final class WebhookReceiver: Sendable {
    struct Delivery: Sendable {
        var path: String
        var headers: HTTPFields
        var body: [UInt8]

        var text: String { String(decoding: body, as: UTF8.self) }
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body))) as? [String: Any] ?? [:] }
    }

    /// What was received and what to answer: shared with the router, which exists before the receiver does.
    private final class Record: Sendable {
        let state = Mutex<(deliveries: [Delivery], answers: [Int])>(([], []))

        func add(_ delivery: Delivery) -> Int {
            state.withLock { state in
                state.deliveries.append(delivery)
                return state.answers.isEmpty ? 200 : state.answers.removeFirst()
            }
        }
    }

    private let record: Record
    private let server: Task<Void, any Error>
    let port: Int

    var url: String { "http://127.0.0.1:\(port)/hook" }
    var deliveries: [Delivery] { record.state.withLock { $0.deliveries } }

    /// The next requests get these statuses (then 200 again).
    func answer(_ statuses: [Int]) { record.state.withLock { $0.answers = statuses } }

    static func start() async throws -> WebhookReceiver {
        let (portStream, portContinuation) = AsyncStream<Int>.makeStream()
        let record = Record()
        let router = Router()
        router.post("**") { request, _ -> Response in
            let body = try await request.body.collect(upTo: 1 << 20)
            let status = record.add(Delivery(path: request.uri.path, headers: request.headers, body: Array(buffer: body)))
            return Response(status: .init(code: status))
        }
        let app = Application(
            router: router,
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in portContinuation.yield(channel.localAddress?.port ?? 0) },
            logger: {
                var logger = Logger(label: "webhook-receiver")
                logger.logLevel = .critical  // its shutdown at the end of a test is no news
                return logger
            }()
        )
        let server = Task { try await app.runService() }
        var iterator = portStream.makeAsyncIterator()
        let port = await iterator.next() ?? 0
        return WebhookReceiver(record: record, server: server, port: port)
    }

    private init(record: Record, server: Task<Void, any Error>, port: Int) {
        self.record = record
        self.server = server
        self.port = port
    }

    func stop() { server.cancel() }
}
