import Accounts
import Foundation
import Logging
import OffThread

/// What start-up settles about accounts before the server listens: the old shared Basic credential becomes an
/// admin user, and a listener on the network needs an admin to exist.
enum AccountsStartup {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    static func prepare(_ configuration: AppConfiguration, users: UserStore, logger: Logger, now: Double) async throws {
        let server = configuration.server
        if !server.username.isEmpty || !server.password.isEmpty {
            try await migrateLegacy(username: server.username, password: server.password, users: users, logger: logger, now: now)
        }
        if !server.firstAdminPasswordFile.isEmpty, try await users.hasAdmin() == false {
            try await createFirstAdmin(server, users: users, logger: logger, now: now)
        }
        if !server.isLoopback, try await users.hasAdmin() == false {
            throw Refusal(
                description: "listening on \(server.listeners) (server.bind, server.extra_binds) needs an admin user; add one with "
                    + "`anikura user add NAME --role admin` (it reads the password from standard input; in a container: "
                    + "`docker exec -i CONTAINER anikura user add NAME --role admin`), or set admin.password_file "
                    + "(ANIKURA_ADMIN_PASSWORD_FILE) to a file holding the first admin's password"
            )
        }
    }

    /// `admin.password_file`: the first admin, made from a secret file (its first line; the password is never logged).
    static func createFirstAdmin(_ server: AppConfiguration.Server, users: UserStore, logger: Logger, now: Double) async throws {
        let path = server.firstAdminPasswordFile
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Refusal(description: "admin.password_file: cannot read \(path)")
        }
        let password =
            String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).first
            .map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        let name = server.firstAdminName
        do {
            _ = try await offThread { try users.add(name: name, role: .admin, password: password, now: now) }
        } catch let error as AccountError {
            throw Refusal(description: "admin.password_file (\(path)): cannot create the admin user '\(name)': \(error)")
        }
        logger.notice("created the admin user '\(name)' from admin.password_file; it is not read again once an admin exists")
    }

    /// `server.username`/`server.password` from before there were users: made into an admin on first start.
    static func migrateLegacy(username: String, password: String, users: UserStore, logger: Logger, now: Double) async throws {
        guard !username.isEmpty, !password.isEmpty else {
            logger.warning("server.username and server.password must both be set to create an admin from them; ignored")
            return
        }
        let existing = try await users.user(named: username)
        guard existing == nil else {
            logger.notice(
                "server.username/server.password are no longer used: '\(username)' is a user; remove them from config.toml"
            )
            return
        }
        do {
            _ = try await offThread { try users.add(name: username, role: .admin, password: password, now: now, checkStrength: false) }
        } catch let error as AccountError {
            throw Refusal(description: "server.username: cannot become a user: \(error)")
        }
        logger.notice(
            """
            server.username/server.password: created the admin user '\(username)' with that password; sign-in now goes \
            through users (`anikura user …`), so remove both settings from config.toml
            """
        )
    }
}
