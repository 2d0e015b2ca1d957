import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Lines as swift-log's `StreamLogHandler` writes them (`TIME LEVEL LABEL: key=value [SOURCE] message`), without its
/// cost on the request path: Hummingbird sets a request id on every request's logger, and `StreamLogHandler` formats
/// all its metadata into text on every such change (a twentieth of the server's time serving cached documents).
/// This one keeps the metadata as it is and formats it only for a line that is written. Standard error by default,
/// as swift-log's default handler.
struct ConsoleLogHandler: LogHandler {
    enum Stream: Sendable {
        case standardOutput, standardError
    }

    let label: String
    let stream: Stream
    var logLevel: Logger.Level = .info
    var metadata: Logger.Metadata = [:]

    init(label: String, stream: Stream = .standardError) {
        self.label = label
        self.stream = stream
    }

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        Self.write(line(event), to: stream)
    }

    /// The line written for `event`, newline included.
    func line(_ event: LogEvent) -> String {
        var merged = metadata
        if let explicit = event.metadata { merged.merge(explicit) { $1 } }
        if let error = event.error {
            merged["error.message"] = "\(error)"
            merged["error.type"] = "\(String(reflecting: type(of: error)))"
        }
        let pretty = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        return "\(Self.timestamp()) \(event.level) \(label):\(pretty) [\(event.source)] \(event.message)\n"
    }

    /// One `write` a line, so lines from several threads never interleave.
    private static func write(_ line: String, to stream: Stream) {
        let descriptor: Int32 = stream == .standardOutput ? STDOUT_FILENO : STDERR_FILENO
        var bytes = Array(line.utf8)[...]
        while !bytes.isEmpty {
            let written = bytes.withUnsafeBytes { Glibc.write(descriptor, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else { return }
            bytes = bytes.dropFirst(written)
        }
    }

    private static func timestamp() -> String {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [CChar](repeating: 0, count: 64)
        let length = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &parts)
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
