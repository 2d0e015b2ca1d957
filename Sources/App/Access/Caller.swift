import Accounts

/// Who is asking, once `AccessMiddleware` has looked at the request's credentials.
struct Caller: Sendable, Equatable {
    enum Credential: Sendable, Equatable {
        /// A loopback install with no users: everyone is the admin, as before there were users.
        case openInstall
        /// A browser's session cookie (its token, so logout and a password change know which one).
        case session(token: String)
        case apiKey
        case basicPassword
    }

    /// 0 for the open install; its watch state goes to the first user created.
    var userId: Int64
    var name: String?
    var role: Role
    var credential: Credential

    static let openInstall = Caller(userId: 0, name: nil, role: .admin, credential: .openInstall)

    var isAdmin: Bool { role == .admin }
}
