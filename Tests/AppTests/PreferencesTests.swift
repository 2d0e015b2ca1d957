import Accounts
import Foundation
import HTTPTypes
import HummingbirdTesting
import Library
import NIOCore
import TestMedia
import Testing

@testable import App

/// Each viewer's languages, subtitle style and skip behaviour: kept per user, checked strictly, and deciding which
/// tracks a stream starts with.
@Suite("viewer preferences")
struct PreferencesTests {
    static func call(
        _ client: some TestClientProtocol,
        _ uri: String,
        _ key: String,
        method: HTTPRequest.Method = .get,
        body: String? = nil
    ) async throws -> (HTTPResponse.Status, [String: Any]) {
        let answer = try await keyedCall(client, uri, key, method: method, body: body)
        return (answer.status, answer.json)
    }

    @Test("defaults first; a PUT changes what it names, codes made ISO 639-2/T; each user has their own")
    func roundTrip() async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            let (_, initial) = try await Self.call(client, "/api/me/preferences", accounts.viewerKey)
            #expect(initial["audio_languages"] as? [String] == [] && initial["subtitle_languages"] as? [String] == [])
            #expect(initial["subtitle_style"] as? String == "text" && initial["skip"] as? String == "ask")
            let (status, saved) = try await Self.call(
                client,
                "/api/me/preferences",
                accounts.viewerKey,
                method: .put,
                body: #"{"audio_languages": ["ja"], "subtitle_languages": ["en", "ger"]}"#
            )
            #expect(status == .ok)
            #expect(saved["audio_languages"] as? [String] == ["jpn"])
            #expect(saved["subtitle_languages"] as? [String] == ["eng", "deu"])
            let (_, later) = try await Self.call(
                client,
                "/api/me/preferences",
                accounts.viewerKey,
                method: .put,
                body: #"{"skip": "auto", "subtitle_style": "styled"}"#
            )
            #expect(later["audio_languages"] as? [String] == ["jpn"] && later["skip"] as? String == "auto")
            #expect(later["subtitle_style"] as? String == "styled")
            let (_, admin) = try await Self.call(client, "/api/me/preferences", accounts.adminKey)
            #expect(admin["audio_languages"] as? [String] == [] && admin["skip"] as? String == "ask")
            let (anonymous, _) = try await client.execute(uri: "/api/me/preferences", method: .get) { ($0.status, 0) }
            #expect(anonymous == .unauthorized)
        }
    }

    @Test(
        "a bad body is a 400 that says what is wrong, and nothing is stored",
        arguments: [
            (#"{"audio_languages": ["klingon"]}"#, "not an ISO 639 language code"),
            (#"{"audio_languages": ["xx"]}"#, "not an ISO 639 language code"),
            (#"{"subtitle_languages": ["und"]}"#, "not an ISO 639 language code"),
            (#"{"audio_languages": "jpn"}"#, "must be a list"),
            (#"{"audio_languages": ["jpn", 3]}"#, "must be a list"),
            (#"{"audio_languages": ["jpn", "ja"]}"#, "names jpn twice"),
            (#"{"subtitle_languages": ["a","b","c","d","e","f","g","h","i","j","k"]}"#, "at most 10"),
            (#"{"subtitle_style": "fancy"}"#, "subtitle_style must be one of"),
            (#"{"skip": true}"#, "skip must be one of"),
            (#"{"skip": "auto", "volume": 11}"#, "Unknown preference \"volume\""),
            (#"["jpn"]"#, "must be a JSON object"),
            ("not json", "must be a JSON object"),
        ] as [(String, String)]
    )
    func refusals(body: String, reason: String) async throws {
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let app = try await TestApp.build(database: database)
        try await app.test(.live) { client in
            _ = try await Self.call(client, "/api/me/preferences", accounts.viewerKey, method: .put, body: #"{"audio_languages": ["jpn"]}"#)
            let (status, answer) = try await Self.call(client, "/api/me/preferences", accounts.viewerKey, method: .put, body: body)
            #expect(status == .badRequest)
            let message = (answer["error"] as? [String: Any])?["message"] as? String ?? ""
            #expect(message.contains(reason), "\(message)")
            let (_, after) = try await Self.call(client, "/api/me/preferences", accounts.viewerKey)
            #expect(after["audio_languages"] as? [String] == ["jpn"] && after["skip"] as? String == "ask")
        }
    }

    @Test("the open install's preferences are the first user's once one is made")
    func openInstallHandsOver() throws {
        let database = try TestApp.seededDatabase()
        let store = PreferencesStore(writer: database.writer)
        try store.save(ViewerPreferences(audioLanguages: ["jpn"], skip: .never), userId: 0, now: 1)
        let users = UserStore(writer: database.writer, cost: 4)
        let first = try users.add(name: "first", role: .admin, password: "a long enough password", now: 2)
        let second = try users.add(name: "second", role: .viewer, password: "another long password", now: 3)
        #expect(try store.preferences(userId: try #require(first.id)) == ViewerPreferences(audioLanguages: ["jpn"], skip: .never))
        #expect(try store.preferences(userId: try #require(second.id)) == ViewerPreferences())
        #expect(try store.preferences(userId: 0) == ViewerPreferences())
        try users.remove(name: "second")
        try store.save(ViewerPreferences(skip: .auto), userId: try #require(first.id), now: 4)
        #expect(try store.preferences(userId: try #require(first.id)).skip == .auto)
    }

    @Test("a stream starts on the viewer's tracks: in the link, in the master playlist, burnt in when styled is preferred")
    func streamDefaults() async throws {
        let media = TestApp.temporaryDirectory()
        try FileManager.default.createDirectory(atPath: media + "/Show", withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: await MediaFixtures.fansub, toPath: media + "/Show/[Fansub] Show - 02.mkv")
        let database = try TestApp.seededDatabase()
        let accounts = try TestAccounts.add(to: database)
        let files = try await RawSocket.offPool {
            _ = try LibraryScanner(index: LibraryIndex(writer: database.writer), roots: [media]).scan()
            return try LibraryIndex(writer: database.writer).files()
        }
        #expect(files.count == 1)
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": media], database: database)
        try await app.test(.live) { client in
            let id = files.first?.id ?? 0
            func ticket(_ query: String = "") async throws -> [String: Any] {
                let (status, ticket) = try await Self.call(client, "/api/stream/\(id)\(query)", accounts.viewerKey)
                #expect(status == .ok)
                return ticket
            }
            func master(_ ticket: [String: Any]) async throws -> [Substring] {
                let url = try #require(ticket["url"] as? String)
                let text = try await client.execute(uri: url, method: .get) { String(buffer: $0.body) }
                return text.split(separator: "\n").filter { $0.hasPrefix("#EXT-X-MEDIA:") && $0.contains("DEFAULT=YES") }
            }
            // No preferences: the file's default audio (the dub), no subtitles.
            let plain = try await ticket()
            #expect(!(plain["url"] as? String ?? "").contains("audio="))
            #expect(try await master(plain).map { $0.contains("URI=\"a0/") } == [true])
            // Japanese audio, English subtitles: the full track as text.
            _ = try await Self.call(
                client,
                "/api/me/preferences",
                accounts.viewerKey,
                method: .put,
                body: #"{"audio_languages": ["jpn"], "subtitle_languages": ["eng"]}"#
            )
            let sub = try await ticket()
            #expect((sub["url"] as? String ?? "").contains("audio=1&subs=0"))
            let chosen = sub["defaults"] as? [String: Any] ?? [:]
            #expect(chosen["audio"] as? Int == 1 && chosen["subtitle"] as? Int == 0 && chosen["burn"] is NSNull, "\(chosen)")
            let defaults = try await master(sub)
            #expect(defaults.count == 2 && defaults[0].contains("URI=\"a1/") && defaults[1].contains("URI=\"s0/"), "\(defaults)")
            #expect(sub["mode"] as? String != "transcode")
            // The dub for an English reader who wants styled subtitles: the signs track, burnt in.
            _ = try await Self.call(
                client,
                "/api/me/preferences",
                accounts.viewerKey,
                method: .put,
                body: #"{"audio_languages": ["eng"], "subtitle_style": "styled"}"#
            )
            let styled = try await ticket()
            #expect(styled["mode"] as? String == "transcode")
            #expect((styled["video"] as? String ?? "").hasSuffix("-burn1"))
            #expect((styled["defaults"] as? [String: Any])?["burn"] as? Int == 1)
            // Asked for otherwise, the request wins.
            let asked = try await ticket("?burn=none&subs=none&audio=1")
            #expect(asked["mode"] as? String != "transcode" && (asked["url"] as? String ?? "").contains("audio=1"))
            #expect(!(asked["url"] as? String ?? "").contains("subs="))
            let (bad, _) = try await Self.call(client, "/api/stream/\(id)?subs=first", accounts.viewerKey)
            #expect(bad == .badRequest)
        }
    }
}
