import Accounts
import Foundation
import HTTPTypes

@testable import App

/// Users and keys for access tests: an admin and a viewer, made with bcrypt's lowest cost (checking them is then
/// quick; the cost is in the hash, so the server checks them the same way).
struct TestAccounts {
    static let adminName = "ada"
    static let adminPassword = "ada's long password"
    static let viewerName = "vic"
    static let viewerPassword = "vic's long password"

    var adminKey: String
    var viewerKey: String
    var users: UserStore

    static func add(to database: AppDatabase) throws -> TestAccounts {
        let users = UserStore(writer: database.writer, cost: 4)
        let now = Date().timeIntervalSince1970
        try users.add(name: adminName, role: .admin, password: adminPassword, now: now)
        try users.add(name: viewerName, role: .viewer, password: viewerPassword, now: now)
        return TestAccounts(
            adminKey: try users.createKey(userName: adminName, label: "admin's script", now: now).key,
            viewerKey: try users.createKey(userName: viewerName, label: "viewer's script", now: now).key,
            users: users
        )
    }

    static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)"] }

    static func basic(_ user: String, _ password: String) -> HTTPFields {
        [.authorization: "Basic " + Data("\(user):\(password)".utf8).base64EncodedString()]
    }

    static func login(_ user: String, _ password: String) -> String {
        let body = try! JSONSerialization.data(withJSONObject: ["username": user, "password": password])
        return String(decoding: body, as: UTF8.self)
    }

    /// `anikura_session=…` from a login response's `Set-Cookie`, ready to send back as `Cookie`.
    static func sessionCookie(_ fields: HTTPFields) -> String? {
        fields[.setCookie]?.split(separator: ";").first.map(String.init)
    }
}
