import Crypto
import Foundation
import Hummingbird
import Mirror

/// The web app's files, read once at start-up: the app shell, its ES modules, the stylesheet, hls.js.
struct WebAssets: Sendable {
    struct Asset: Sendable {
        var body: ByteBuffer
        var contentType: String
        /// A hash of the bytes: the browser revalidates (`no-cache`) and gets 304 until the file changes. Weak: the
        /// gzipped bytes carry it too.
        var etag: String
        /// The body gzipped once at start, for text files it makes smaller.
        var gzipped: ByteBuffer?
    }

    /// By path below the web folder, like `js/views/home.js`.
    let files: [String: Asset]

    init(directory: String) {
        var files: [String: Asset] = [:]
        let manager = FileManager.default
        for case let relative as String in manager.enumerator(atPath: directory) ?? FileManager.DirectoryEnumerator() {
            let path = (directory as NSString).appendingPathComponent(relative)
            guard let type = Self.contentType(relative), let data = manager.contents(atPath: path) else { continue }
            let digest = SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
            let gzipped =
                ContentCoding.isCompressible(type)
                ? (try? Gzip.compress(Array(data), level: 9)).flatMap { $0.count < data.count ? ByteBuffer(bytes: $0) : nil } : nil
            files[relative] = Asset(body: ByteBuffer(bytes: data), contentType: type, etag: "W/\"\(digest)\"", gzipped: gzipped)
        }
        self.files = files
    }

    static func contentType(_ path: String) -> String? {
        switch (path as NSString).pathExtension {
        case "html": "text/html; charset=utf-8"
        case "js", "mjs": "text/javascript; charset=utf-8"
        case "css": "text/css; charset=utf-8"
        case "svg": "image/svg+xml"
        case "png": "image/png"
        default: nil
        }
    }

    func response(_ path: String, request: Request) -> Response? {
        guard let asset = files[path] else { return nil }
        var headers: HTTPFields = [.eTag: asset.etag, .cacheControl: "no-cache", .vary: "Accept-Encoding"]
        if ContentCoding.matches(request.headers[values: .ifNoneMatch], asset.etag) {
            return Response(status: .notModified, headers: headers)
        }
        headers[.contentType] = asset.contentType
        if let gzipped = asset.gzipped, ContentCoding.acceptsGzip(request.headers[values: .acceptEncoding]) {
            headers[.contentEncoding] = "gzip"
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: gzipped))
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: asset.body))
    }
}
