/// What one upstream answer means for the fetcher. Classified from the status and the parsed body,
/// never from searching the bytes for a word.
public enum AniDBReply: Sendable {
    /// A well-formed `<anime id="N">` for the aid asked for.
    case document(StoredDocument)
    /// AniDB has banned us (an `<error>` saying "banned", or HTTP 429/503): stop everything.
    case banned(String)
    /// `<error>Anime not found</error>`.
    case notFound
    /// Our request is wrong (client name/version, illegal input): retrying cannot help.
    case clientError(String)
    /// Something the network or server got wrong (timeouts, resets, 5xx): try again later.
    case transient(String)
    /// A body that is neither a document for this aid nor a known error: never stored.
    case invalid(String)

    /// What the request log and the metrics record.
    public var outcome: UpstreamOutcome {
        switch self {
        case .document: .ok
        case .banned: .banned
        case .notFound: .notFound
        case .clientError: .clientError
        case .transient: .transient
        case .invalid: .invalid
        }
    }

    /// Classifies an HTTP answer for `aid`. AniDB gzips its bodies whether or not it says so in
    /// `Content-Encoding`, so the body is un-gzipped whenever it starts with the gzip magic.
    public static func classify(
        status: Int,
        body: [UInt8],
        aid: Int,
        fetchedAt: Double,
        parser: AnimeDocumentParser
    ) -> AniDBReply {
        if status == 429 || status == 503 { return .banned("HTTP \(status)") }
        guard status == 200 else {
            return (500...599).contains(status) ? .transient("HTTP \(status)") : .invalid("HTTP \(status)")
        }
        let bytes: [UInt8]
        do {
            bytes = try unpack(body, limit: parser.maxBytes)
        } catch {
            return .invalid(error.description)
        }
        do {
            let document = try parser.parse(bytes, expectedAID: aid)
            return .document(StoredDocument(document: document, xml: bytes, fetchedAt: fetchedAt))
        } catch {
            guard case .errorBody(let code, let message) = error.reason else { return .invalid(error.description) }
            let text = message.lowercased()
            if text.contains("banned") { return .banned(message) }
            if text.contains("not found") { return .notFound }
            return .clientError(code.map { "\($0) \(message)" } ?? message)
        }
    }

    /// The body as XML: un-gzipped if it is gzip, at most `limit` bytes either way.
    static func unpack(_ body: [UInt8], limit: Int) throws(Mirror.DocumentError) -> [UInt8] {
        guard Gzip.isGzip(body) else {
            guard body.count <= limit else { throw .init(.tooLarge(bytes: body.count, limit: limit)) }
            return body
        }
        do {
            return try Gzip.decompress(body, limit: limit)
        } catch {
            throw .init(.malformed("gzip body: \(error)"))
        }
    }
}
