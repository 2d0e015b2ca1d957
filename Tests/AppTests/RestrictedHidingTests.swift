import Accounts
import Foundation
import HTTPTypes
import HummingbirdTesting
import Library
import NIOCore
import Testing

@testable import App

/// 18+ titles hidden per viewer: set by the viewer or by an admin (then only an admin can undo it), gone from every
/// surface the web app lists or opens for that user, still there for another user and for the mirror's clients.
@Suite("18+ hidden per viewer")
struct RestrictedHidingTests {
    /// Mankitsu Happening, restricted on AniDB (demo/seed/11021.xml), and Frieren beside it.
    static let restricted = 11021
    static let frieren = WatchStateTests.frieren

    static func setup() async throws -> (AppDatabase, TestAccounts, [String: Int64]) {
        try await RawSocket.offPool {
            let database = try TestApp.seededDatabase()
            let accounts = try TestAccounts.add(to: database)
            let files = try MatchedLibrary.make(
                database,
                [
                    ("Frieren", "[SubsPlease] Sousou no Frieren - 01 (1080p).mkv", frieren, "1"),
                    ("Frieren", "[SubsPlease] Sousou no Frieren - 02 (1080p).mkv", frieren, "2"),
                    ("Mankitsu", "[Grp] Mankitsu Happening - 01.mkv", restricted, "1"),
                    ("Mankitsu", "[Grp] Mankitsu Happening - 02.mkv", restricted, "2"),
                ]
            )
            return (database, accounts, files)
        }
    }

    static func call(
        _ client: some TestClientProtocol,
        _ uri: String,
        _ key: String,
        method: HTTPRequest.Method = .get,
        body: String? = nil
    ) async throws -> (HTTPResponse.Status, String) {
        let answer = try await keyedCall(client, uri, key, method: method, body: body)
        return (answer.status, answer.text)
    }

    /// What each surface shows `key` of the restricted anime: true where it shows (or opens) it.
    static func surfaces(_ client: some TestClientProtocol, _ key: String, _ ids: [String: Int64]) async throws -> [String: Bool] {
        let aid = restricted
        var seen: [String: Bool] = [:]
        seen["shelf"] = try await call(client, "/api/shelf", key).1.contains("\"aid\":\(aid)")
        seen["search"] = try await call(client, "/api/search?q=Mankitsu&mature=true", key).1.contains("\(aid)")
        seen["series page"] = try await call(client, "/api/series/\(aid)", key).0 == .ok
        seen["player"] = try await call(client, "/api/watch/\(ids["\(restricted)-1"] ?? 0)", key).0 == .ok
        seen["stream"] = try await call(client, "/api/stream/\(ids["\(restricted)-1"] ?? 0)", key).0 != .notFound
        seen["playlist"] = try await call(client, "/api/series/\(aid)/playlist.m3u", key).0 == .ok
        seen["continue watching"] = try await call(client, "/api/me/continue", key).1.contains("\"aid\":\(aid)")
        return seen
    }

    @Test("hidden on every surface for the user who hides them, shown to another; an admin's choice only an admin undoes")
    func hiding() async throws {
        let (database, accounts, ids) = try await Self.setup()
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            // Both users have the restricted anime in progress, so it would be in continue watching.
            for key in [accounts.viewerKey, accounts.adminKey] {
                let (status, _) = try await Self.call(
                    client,
                    "/api/me/progress/\(ids["\(Self.restricted)-1"] ?? 0)",
                    key,
                    method: .put,
                    body: #"{"position": 60, "duration": 1400}"#
                )
                #expect(status == .ok)
            }
            let all = ["shelf", "search", "series page", "player", "stream", "playlist", "continue watching"]
            let before = try await Self.surfaces(client, accounts.viewerKey, ids)
            #expect(all.filter { before[$0] != true }.isEmpty, "seen before hiding: \(before)")
            // The admin hides them for the viewer.
            let users = try await Self.call(client, "/api/users", accounts.adminKey).1
            let viewerId = try #require(await accounts.users.user(named: TestAccounts.viewerName)?.id)
            #expect(users.contains(#""hide_restricted":false"#))
            let (set, _) = try await Self.call(client, "/api/users/\(viewerId)", accounts.adminKey, method: .put, body: #"{"hide_restricted": true}"#)
            #expect(set == .ok)
            let after = try await Self.surfaces(client, accounts.viewerKey, ids)
            #expect(all.filter { after[$0] != false }.isEmpty, "still seen after hiding: \(after)")
            // Frieren is untouched for them.
            #expect(try await Self.call(client, "/api/series/\(Self.frieren)", accounts.viewerKey).0 == .ok)
            #expect(try await Self.call(client, "/api/shelf", accounts.viewerKey).1.contains("\"aid\":\(Self.frieren)"))
            // The admin still sees everything; the mirror's client dialects are not filtered for anyone.
            let admin = try await Self.surfaces(client, accounts.adminKey, ids)
            #expect(all.filter { admin[$0] != true }.isEmpty, "hidden from the admin: \(admin)")
            #expect(try await Self.call(client, "/api/anime/\(Self.restricted)", accounts.viewerKey).0 == .ok)
            #expect(try await Self.call(client, "/anime/\(Self.restricted)", accounts.viewerKey).0 == .ok)
            // The viewer cannot undo an admin's choice; their preferences say who set it.
            let (refused, message) = try await Self.call(
                client,
                "/api/me/preferences",
                accounts.viewerKey,
                method: .put,
                body: #"{"hide_restricted": false}"#
            )
            #expect(refused == .forbidden && message.contains("only an admin"), "\(message)")
            let preferences = try await Self.call(client, "/api/me/preferences", accounts.viewerKey).1
            #expect(preferences.contains(#""hide_restricted":true"#) && preferences.contains(#""hide_restricted_by_admin":true"#))
            for body in [#"{"hide_restricted_by_admin": false}"#, #"{"hide_restricted": 1}"#, #"{"hide_restricted": "no"}"#] {
                #expect(try await Self.call(client, "/api/me/preferences", accounts.viewerKey, method: .put, body: body).0 == .badRequest, "\(body)")
            }
            for body in [#"{"hide_restricted": 1}"#, #"{}"#, #"{"hide_restricted": true, "role": "admin"}"#] {
                #expect(
                    try await Self.call(client, "/api/users/\(viewerId)", accounts.adminKey, method: .put, body: body).0 == .badRequest,
                    "\(body)"
                )
            }
            #expect(
                try await Self.call(client, "/api/users/\(viewerId)", accounts.viewerKey, method: .put, body: #"{"hide_restricted": false}"#).0
                    == .forbidden
            )
            // The admin shows them again; the admin may also hide them for themself, and undo that.
            _ = try await Self.call(client, "/api/users/\(viewerId)", accounts.adminKey, method: .put, body: #"{"hide_restricted": false}"#)
            let shownAgain = try await Self.surfaces(client, accounts.viewerKey, ids)
            #expect(all.filter { shownAgain[$0] != true }.isEmpty, "after the admin shows them again: \(shownAgain)")
            let (own, _) = try await Self.call(client, "/api/me/preferences", accounts.viewerKey, method: .put, body: #"{"hide_restricted": true}"#)
            #expect(own == .ok)
            #expect(try await Self.call(client, "/api/series/\(Self.restricted)", accounts.viewerKey).0 == .notFound)
            let (undo, _) = try await Self.call(client, "/api/me/preferences", accounts.viewerKey, method: .put, body: #"{"hide_restricted": false}"#)
            #expect(undo == .ok, "a viewer's own choice is theirs to undo")
        }
    }
}
