import Foundation

/// How the fetcher reaches AniDB and what it may do there.
public struct FetcherSettings: Sendable {
    /// The HTTP API (`http://api.anidb.net:9001/httpapi`).
    public var baseURL: String
    /// The daily titles dump.
    public var titlesURL: String
    /// The registered client name and version; without them nothing is fetched.
    public var client: String
    public var clientVersion: String
    /// AniDB account, sent so restricted anime come back whole. Never logged.
    public var username: String
    public var password: String
    public var limits: UpstreamLimits
    /// Where fetched documents (`anidb/<aid>.xml`) and the titles dump (`anime-titles.xml.gz`) are written.
    public var dataDirectory: String

    public init(
        baseURL: String = "http://api.anidb.net:9001/httpapi",
        titlesURL: String = "https://anidb.net/api/anime-titles.xml.gz",
        client: String,
        clientVersion: String,
        username: String = "",
        password: String = "",
        limits: UpstreamLimits = UpstreamLimits(),
        dataDirectory: String
    ) {
        self.baseURL = baseURL
        self.titlesURL = titlesURL
        self.client = client
        self.clientVersion = clientVersion
        self.username = username
        self.password = password
        self.limits = limits
        self.dataDirectory = dataDirectory
    }

    public var isEnabled: Bool { !client.isEmpty && !clientVersion.isEmpty }

    /// Identifies the client a client error was for: fixing the configuration lifts the stop.
    var clientKey: String { "\(client)/\(clientVersion)" }

    func animeURL(_ aid: Int) -> String {
        var url = baseURL + (baseURL.contains("?") ? "&" : "?")
        url += "request=anime&client=\(Self.encode(client))&clientver=\(Self.encode(clientVersion))&protover=1&aid=\(aid)"
        if !username.isEmpty && !password.isEmpty {
            url += "&user=\(Self.encode(username))&pass=\(Self.encode(password))"
        }
        return url
    }

    /// `text` with the account name and password blotted out, for anything that may reach a log.
    func redact(_ text: String) -> String {
        var text = text
        // Very short account names would blot out ordinary words; passwords are blotted out whatever their length.
        let secrets = [password, Self.encode(password)] + (username.count >= 3 ? [username, Self.encode(username)] : [])
        for secret in secrets where !secret.isEmpty {
            text = text.replacingOccurrences(of: secret, with: "***")
        }
        return text
    }

    static func encode(_ value: String) -> String {
        var out = ""
        for byte in value.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                UInt8(ascii: "~"):
                out.append(Character(UnicodeScalar(byte)))
            default:
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(to: 2)
            }
        }
        return out
    }
}

extension String {
    fileprivate func leftPadded(to width: Int) -> String {
        count >= width ? self : String(repeating: "0", count: width - count) + self
    }
}
