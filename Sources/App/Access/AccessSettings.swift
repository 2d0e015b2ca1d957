/// How the server decides who may ask what (`[server]` in config.toml).
struct AccessSettings: Sendable {
    /// The address people reach the server at (`https://anime.example.org`): sessions' cookies are `Secure` when
    /// it is https, and it is an accepted `Origin` for requests that change state.
    var publicURL: String
    /// Seconds a browser stays signed in.
    var sessionLifetime: Double
    /// The mirror's read routes answer without credentials (Kometa sends none).
    var anonymousMirror: Bool
    /// Each address's token bucket on the anonymous mirror routes.
    var anonymousRatePerSecond: Double
    var anonymousBurst: Int
    /// This many failed sign-ins for one account or from one address within `signInWindow` locks it out.
    var signInFailureLimit: Int
    var signInWindow: Double
    /// The names the server answers to while the install is open (see `ServerNames`).
    var names = ServerNames(bindHosts: [], publicURL: "", allowedHosts: [])
    /// Proxies whose `X-Forwarded-For` is believed (`server.trusted_proxies`).
    var trustedProxies = TrustedProxies(ranges: [])

    var secureCookies: Bool { publicURL.lowercased().hasPrefix("https://") }
}
