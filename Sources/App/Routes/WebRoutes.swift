import Foundation
import HTTPTypes
import Hummingbird

/// The web app: one shell page for every view (the modules route in the browser), its static files, and the
/// old player address sent to the new one.
struct WebRoutes<Context: RequestContext> {
    let assets: WebAssets

    /// Paths a person opens, all answered with the shell; `{…}` parts are read by the page's router.
    static var pages: [String] {
        ["/", "/login", "/library", "/series/{aid}", "/watch/{fileId}", "/attention", "/mirror", "/settings", "/franchises", "/join/{code}"]
    }

    func register(on router: Router<Context>) {
        guard assets.files["index.html"] != nil else { return }
        for page in Self.pages {
            let path = page.replacingOccurrences(of: "{", with: ":").replacingOccurrences(of: "}", with: "")
            router.get(RouterPath(path)) { request, _ in
                assets.response("index.html", request: request) ?? Response(status: .notFound)
            }
        }
        // Old links and bookmarks: /player?file=N&… → /watch/N?…
        router.get("player") { request, _ in
            let file = request.uri.queryParameters.get("file") ?? ""
            guard !file.isEmpty, file.count <= 19, file.allSatisfy(\.isASCII), file.allSatisfy(\.isNumber) else {
                return Response(status: .found, headers: [.location: "/library"])
            }
            let rest = (request.uri.query ?? "").split(separator: "&").filter { !$0.hasPrefix("file=") }.joined(separator: "&")
            return Response(status: .found, headers: [.location: "/watch/\(file)" + (rest.isEmpty ? "" : "?" + rest)])
        }
        for folder in ["js", "vendor", "css"] {
            router.get(RouterPath("\(folder)/**")) { request, context in
                let path = folder + "/" + context.parameters.getCatchAll().joined(separator: "/")
                guard let response = assets.response(path, request: request) else { throw HTTPError(.notFound) }
                return response
            }
        }
        router.get("favicon.svg") { request, _ in assets.response("favicon.svg", request: request) ?? Response(status: .notFound) }
    }
}
