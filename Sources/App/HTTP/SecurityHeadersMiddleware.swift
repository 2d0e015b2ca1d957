import Crypto
import Foundation
import HTTPTypes
import Hummingbird

/// Headers that tell a browser what not to do with our answers: never guess a type (`nosniff`, on every answer),
/// and for pages and SVG pictures a Content-Security-Policy (scripts only from here and the one inline import map,
/// no framing), a referrer policy and frame protection for browsers without `frame-ancestors`.
/// Errors become answers here (the outermost place after metrics), so they carry the headers too.
struct SecurityHeadersMiddleware<Context: RequestContext>: RouterMiddleware {
    /// The policy for pages (`SecurityHeadersMiddleware.policy`).
    let contentSecurityPolicy: String

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var response: Response
        do {
            response = try await next(request, context)
        } catch let error as any HTTPResponseError {
            response = try error.response(from: request, context: context)
        }
        response.headers[.xContentTypeOptions] = "nosniff"
        if let type = response.headers[.contentType], type.hasPrefix("text/html") || type.hasPrefix("image/svg+xml") {
            response.headers[.contentSecurityPolicy] = contentSecurityPolicy
            response.headers[.xFrameOptions] = "DENY"
            response.headers[.referrerPolicy] = "same-origin"
        }
        return response
    }

    /// What the app and hls.js need and nothing more: hls.js makes its worker from a `blob:` URL and plays through
    /// Media Source (`blob:` media); posters may be `data:` placeholders; inline styles are set by the views.
    /// `inlineScripts` are the shell's inline scripts (its import map), allowed by their SHA-256.
    static func policy(inlineScripts: [String]) -> String {
        let hashes = inlineScripts.map { "'sha256-" + Data(SHA256.hash(data: Data($0.utf8))).base64EncodedString() + "'" }
        return [
            "default-src 'self'",
            "script-src " + (["'self'"] + hashes).joined(separator: " "),
            "style-src 'self' 'unsafe-inline'",
            "img-src 'self' data: blob:",
            "media-src 'self' blob:",
            "worker-src 'self' blob:",
            "connect-src 'self'",
            "font-src 'self'",
            "object-src 'none'",
            "base-uri 'none'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ].joined(separator: "; ")
    }

    /// The text of each inline `<script>` of a page (those without `src`), exactly as the browser hashes it.
    static func inlineScripts(of html: String) -> [String] {
        var scripts: [String] = []
        var rest = Substring(html)
        while let open = rest.range(of: "<script") {
            guard let tagEnd = rest[open.upperBound...].firstIndex(of: ">"),
                let close = rest[rest.index(after: tagEnd)...].range(of: "</script>")
            else { break }
            if !rest[open.upperBound..<tagEnd].contains("src=") {
                scripts.append(String(rest[rest.index(after: tagEnd)..<close.lowerBound]))
            }
            rest = rest[close.upperBound...]
        }
        return scripts
    }
}

extension HTTPField.Name {
    static let xFrameOptions = Self("X-Frame-Options")!
    static let referrerPolicy = Self("Referrer-Policy")!
}
