import AniDBFake
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import Mirror
import NIOCore
import Synchronization
import Testing

@testable import App

/// Alerts against a real webhook receiver on a local socket: every kind in every format, once an hour, retries, a
/// dead receiver; then the real triggers in the running app (a ban and its end, the budget, a failed job, a media
/// folder going offline, a start after a kill).
@Suite("alerts")
struct AlertTests {
    static func center(
        _ urls: [String],
        format: AlertFormat = .json,
        clock: ManualClock,
        retry: Double = 0.05,
        attempts: Int = 3,
        timeout: Int64 = 10,
        logger: Logger = Logger(label: "test")
    ) -> AlertCenter {
        AlertCenter(
            settings: AlertSettings(webhookURLs: urls, format: format, retrySeconds: retry, attempts: attempts),
            // AsyncHTTPClient keeps trying to connect to a closed port until the request's deadline.
            transport: HTTPAlertTransport(timeout: .seconds(timeout)),
            clock: clock,
            instance: "box",
            metrics: MirrorMetrics(),
            logger: logger
        )
    }

    /// One message per kind, with the details the JSON format carries.
    static let samples: [(Alert.Kind, String, [String: String])] = Alert.Kind.allCases.map { kind in
        (kind, "message for \(kind.rawValue) – ünïcode", ["kind": kind.rawValue])
    }

    @Test("each kind is delivered once in each format, with the body that service expects", arguments: AlertFormat.allCases)
    func formats(format: AlertFormat) async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let clock = ManualClock(now: 1_800_000_000)
        let alerts = Self.center([receiver.url], format: format, clock: clock)
        let running = Task { try await alerts.run() }
        defer { running.cancel() }
        for (kind, message, details) in Self.samples { #expect(alerts.raise(kind, message, details: details)) }
        #expect(await eventually(within: 20) { receiver.deliveries.count == Alert.Kind.allCases.count })
        for delivery in receiver.deliveries {
            #expect(delivery.path == "/hook")
            #expect(delivery.headers[.userAgent] == "Anikura")
            let contentType = delivery.headers[.contentType] ?? ""
            switch format {
            case .json:
                #expect(contentType == "application/json")
                let json = delivery.json
                let kind = try #require(Alert.Kind(rawValue: json["event"] as? String ?? ""), "\(json)")
                #expect(json["message"] as? String == "message for \(kind.rawValue) – ünïcode")
                #expect(json["time"] as? String == ISOTime.format(1_800_000_000))
                #expect(json["instance"] as? String == "box")
                #expect((json["details"] as? [String: String]) == ["kind": kind.rawValue])
            case .discord:
                let content = delivery.json["content"] as? String ?? ""
                #expect(delivery.json["username"] as? String == "Anikura")
                #expect(Alert.Kind.allCases.contains { content.contains("**Anikura (box): \($0.title)**\nmessage for \($0.rawValue)") }, "\(content)")
            case .slack:
                let text = delivery.json["text"] as? String ?? ""
                #expect(Alert.Kind.allCases.contains { text.contains("*Anikura (box): \($0.title)*\nmessage for \($0.rawValue)") }, "\(text)")
            case .ntfy:
                #expect(contentType == "text/plain; charset=utf-8")
                let kind = try #require(Alert.Kind.allCases.first { delivery.text == "message for \($0.rawValue) – ünïcode" }, "\(delivery.text)")
                #expect(delivery.headers[HTTPField.Name("Title")!] == "Anikura (box): \(kind.title)")
                #expect(delivery.headers[HTTPField.Name("Priority")!] == (kind == .fetchingResumed ? "default" : "high"))
                #expect(delivery.headers[HTTPField.Name("Tags")!]?.hasSuffix(",\(kind.rawValue)") == true)
            case .gotify:
                let json = delivery.json
                let kind = try #require(Alert.Kind.allCases.first { json["title"] as? String == "Anikura (box): \($0.title)" }, "\(json)")
                #expect(json["message"] as? String == "message for \(kind.rawValue) – ünïcode")
                #expect(json["priority"] as? Int == (kind == .fetchingResumed ? 4 : 8))
            }
        }
        let kinds = Set(
            receiver.deliveries.map { delivery in
                Alert.Kind.allCases.first { delivery.text.contains("message for \($0.rawValue)") }
            }
        )
        #expect(kinds == Set(Alert.Kind.allCases), "each kind exactly once")
    }

    @Test("one alert per kind an hour: the same kind again is held back, another kind is not, an hour later it goes")
    func hourly() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let clock = ManualClock(now: 1_800_000_000)
        let alerts = Self.center([receiver.url], clock: clock)
        let running = Task { try await alerts.run() }
        defer { running.cancel() }
        #expect(alerts.raise(.banned, "first ban"))
        clock.advance(by: 3599)
        #expect(!alerts.raise(.banned, "a second ban within the hour"))
        #expect(alerts.raise(.budgetExhausted, "budget"))
        #expect(await eventually(within: 20) { receiver.deliveries.count == 2 })
        clock.advance(by: 2)
        #expect(alerts.raise(.banned, "a ban an hour after the first"))
        #expect(await eventually(within: 20) { receiver.deliveries.count == 3 })
        // The first two are delivered side by side, in either order.
        let messages = receiver.deliveries.map { $0.json["message"] as? String ?? "" }
        #expect(Set(messages.prefix(2)) == ["first ban", "budget"] && messages.last == "a ban an hour after the first", "\(messages)")
    }

    @Test("failed deliveries are retried with backoff; a dead or wrong receiver changes nothing for the others")
    func retriesAndDeadReceivers() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let wrong = try await WebhookReceiver.start()
        defer { wrong.stop() }
        wrong.answer([404])
        let dead = "http://127.0.0.1:\(LocalListener.freePort())/hook"
        // Two 503s, then the receiver takes it: three requests for one alert.
        receiver.answer([503, 503])
        let clock = ManualClock(now: 1_800_000_000)
        let capture = LogCapture()
        let alerts = Self.center([dead, receiver.url, wrong.url], clock: clock, attempts: 3, timeout: 5, logger: capture.logger)
        let running = Task { try await alerts.run() }
        defer { running.cancel() }
        #expect(alerts.raise(.banned, "ban", details: [:]))
        // Raising returned while the dead receiver's delivery is still being tried (it takes seconds to give up).
        #expect(!capture.text.contains("after 3 tries"), "raising never waits for a delivery")
        #expect(await eventually(within: 20) { receiver.deliveries.count == 3 })
        #expect(receiver.deliveries.allSatisfy { $0.json["message"] as? String == "ban" })
        // The dead one is tried `attempts` times, then given up in the log; the 404 is not retried.
        #expect(await eventually(within: 40) { capture.text.contains("after 3 tries") }, "\(capture.text)")
        #expect(wrong.deliveries.count == 1)
        #expect(capture.text.contains("HTTP 404; not retried"))
        #expect(capture.text.contains("retrying in"))
        #expect(!capture.text.contains("/hook"), "webhook URLs are logged by host only")
        // Later alerts still go out.
        #expect(alerts.raise(.jobFailed, "job"))
        #expect(await eventually(within: 20) { receiver.deliveries.contains { $0.json["message"] as? String == "job" } })
    }

    @Test("bad alert settings are refused with the key's name")
    func settings() throws {
        for (environment, key) in [
            (["ANIKURA_ALERTS_WEBHOOK_URLS": "[\"ftp://x\"]"], "alerts.webhook_urls"),
            (["ANIKURA_ALERTS_FORMAT": "telegram"], "alerts.format"),
            (["ANIKURA_ALERTS_REPEAT_MINS": "-1"], "alerts.repeat_mins"),
        ] {
            #expect(throws: (any Error).self) { try TestApp.configuration(environment) }
            do { _ = try TestApp.configuration(environment) } catch { #expect("\(error)".contains(key), "\(error)") }
        }
        let configuration = try TestApp.configuration([
            "ANIKURA_ALERTS_WEBHOOK_URLS": "[\"https://ntfy.sh/t\", \"http://gotify.local/message?token=x\"]",
            "ANIKURA_ALERTS_FORMAT": "ntfy",
        ])
        #expect(configuration.alerts.webhookURLs.count == 2 && configuration.alerts.format == .ntfy)
        #expect(AlertSettings.redacted("https://discord.com/api/webhooks/1/SECRET") == "https://discord.com/…")
    }
}

/// The real triggers, in the running app, to a real receiver.
@Suite("alerts in the running app")
struct AlertTriggerTests {
    static func environment(_ receiver: WebhookReceiver, _ extra: [String: String] = [:]) -> [String: String] {
        ["ANIKURA_ALERTS_WEBHOOK_URLS": "[\"\(receiver.url)\"]", "ANIKURA_ALERTS_CHECK_SECS": "0.1"].merging(extra) { $1 }
    }

    static func events(_ receiver: WebhookReceiver) -> [String] { receiver.deliveries.map { $0.json["event"] as? String ?? "?" } }

    @Test("a ban (with until when), fetching resumed after it, then the daily budget used up")
    func upstream() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let clock = ManualClock(now: Date().timeIntervalSince1970)
        let fake = try await FakeAniDB.start(pacedBy: { clock.now() })
        defer { fake.expectNoBan() }
        // The first request is banned; the ones after the ban get AniDB's "not found" (they still count).
        let first = FirstCall()
        fake.script { _ in first.isFirst() ? .error("<error code=\"500\">banned</error>") : nil }
        let environment = UpstreamTests.environment(
            fake,
            Self.environment(receiver, ["ANIKURA_MIRROR_DAILY_LIMIT": "2", "ANIKURA_MIRROR_CLIENT_WAIT_SECS": "0"])
        )
        let app = try await TestApp.build(environment: environment, clock: clock)
        try await app.test(.live) { client in
            _ = try await client.execute(uri: "/anime/5001", method: .get)
            #expect(await eventually(within: 30) { Self.events(receiver) == ["banned"] }, "\(Self.events(receiver))")
            let ban = try #require(receiver.deliveries.first?.json)
            let until = try #require((ban["details"] as? [String: String])?["until"])
            #expect(until == ISOTime.format(clock.now() + 86_400), "the ban pause: \(ban)")
            #expect((ban["message"] as? String)?.contains(until) == true)
            // Two days on: the ban is over and the budget free again; 5001 is asked for again (one of two).
            clock.advance(by: 2 * 86_400)
            #expect(await eventually(within: 30) { Self.events(receiver) == ["banned", "fetching_resumed"] }, "\(Self.events(receiver))")
            #expect(await eventually(within: 30) { fake.animeRequests.count == 2 })
            // The second uses the budget of two.
            _ = try await client.execute(uri: "/anime/5002", method: .get)
            #expect(
                await eventually(within: 30) {
                    if fake.animeRequests.count < 3 { clock.advance(by: 1) }
                    return Self.events(receiver).last == "budget_exhausted"
                },
                "\(Self.events(receiver))"
            )
            #expect(fake.animeRequests.count == 3, "\(fake.animeRequests.map { "\($0.aid ?? 0)@\($0.arrivedAt)" })")
            let budget = try #require(receiver.deliveries.last?.json)
            #expect((budget["message"] as? String)?.contains("All 2 AniDB requests") == true, "\(budget)")
            #expect(Self.events(receiver) == ["banned", "fetching_resumed", "budget_exhausted"])
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.text.contains(#"anikura_alerts_total{kind="banned"} 1"#))
                #expect(response.text.contains("anikura_upstream_daily_limit 2.0"))
            }
        }
    }

    @Test("AniDB refusing the client stops fetching with an alert")
    func clientError() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let fake = try await FakeAniDB.start()
        defer { fake.expectNoBan() }
        fake.script { _ in .error("<error code=\"302\">client version missing or invalid</error>") }
        let environment = UpstreamTests.environment(fake, Self.environment(receiver, ["ANIKURA_MIRROR_CLIENT_WAIT_SECS": "0"]))
        let app = try await TestApp.build(environment: environment)
        try await app.test(.live) { client in
            _ = try await client.execute(uri: "/anime/5001", method: .get)
            #expect(await eventually(within: 30) { Self.events(receiver) == ["client_error"] }, "\(Self.events(receiver))")
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.text.contains("anikura_upstream_client_error 1.0"))
            }
        }
    }

    @Test("a start after an unclean stop, a failed job and a media folder gone offline each alert; a clean stop leaves no mark")
    func uncleanStartJobAndMedia() async throws {
        let receiver = try await WebhookReceiver.start()
        defer { receiver.stop() }
        let data = TestApp.temporaryDirectory()
        // What a killed run leaves behind.
        let marker = data + "/anikura.running"
        try Data("pid 4242 started 1800000000\n".utf8).write(to: URL(fileURLWithPath: marker))
        let media = try MatchAPITests.media(["Disk/Haikyuu!!/[HorribleSubs] Haikyuu!! - 01 [720p].mkv"])
        // A seed folder that is gone by the time the import runs: the job fails.
        try FileManager.default.createDirectory(atPath: data + "/no-such-seed", withIntermediateDirectories: true)
        let app = try await TestApp.build(
            environment: Self.environment(
                receiver,
                [
                    "ANIKURA_STORAGE_DATA_DIR": data, "ANIKURA_LIBRARY_MEDIA_DIRS": media + "/Disk",
                    "ANIKURA_MIRROR_SEED_DIR": data + "/no-such-seed",
                ]
            )
        )
        try FileManager.default.removeItem(atPath: data + "/no-such-seed")
        try await app.test(.live) { client in
            #expect(await eventually(within: 30) { Set(Self.events(receiver)) == ["unclean_stop", "job_failed"] }, "\(Self.events(receiver))")
            let unclean = try #require(receiver.deliveries.first { $0.json["event"] as? String == "unclean_stop" }?.json)
            #expect((unclean["message"] as? String)?.contains(ISOTime.format(1_800_000_000)) == true, "\(unclean)")
            let job = try #require(receiver.deliveries.first { $0.json["event"] as? String == "job_failed" }?.json)
            #expect(
                (job["message"] as? String)?.contains("seed-import") == true && (job["message"] as? String)?.contains("no-such-seed") == true,
                "\(job)"
            )
            #expect(FileManager.default.fileExists(atPath: marker), "marked as running")
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            // The disk goes: its mount point is left empty.
            try FileManager.default.moveItem(atPath: media + "/Disk/Haikyuu!!", toPath: media + "/elsewhere")
            #expect(await eventually(within: 30) { Self.events(receiver).contains("media_offline") }, "\(Self.events(receiver))")
            let offline = try #require(receiver.deliveries.first { $0.json["event"] as? String == "media_offline" }?.json)
            #expect((offline["details"] as? [String: String]) == ["folder": media + "/Disk", "files": "1"], "\(offline)")
            // A scan now finds the file out of reach: the same kind within the hour is not sent again.
            _ = try await MatchAPITests.runJob("/api/library/scan", client: client)
            try await client.execute(uri: "/metrics", method: .get) { response in
                #expect(response.text.contains("anikura_media_folders_offline 1.0"))
                #expect(response.text.contains("anikura_unclean_start 1.0"))
                #expect(response.text.contains(#"anikura_jobs_failed_total{kind="seed-import"} 1"#))
                #expect(response.text.contains(#"anikura_alerts_total{kind="media_offline"} 1"#))
            }
            #expect(Self.events(receiver).filter { $0 == "media_offline" }.count == 1)
        }
        #expect(!FileManager.default.fileExists(atPath: marker), "a clean stop removes the mark")
    }
}

/// True the first time it is asked, false after.
final class FirstCall: Sendable {
    private let asked = Mutex(false)

    func isFirst() -> Bool {
        asked.withLock { asked in
            defer { asked = true }
            return !asked
        }
    }
}
