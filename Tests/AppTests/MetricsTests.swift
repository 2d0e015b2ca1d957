import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// `/metrics` as Prometheus reads it, and the alert rules and dashboard in `contrib/` against it.
@Suite("metrics, alert rules and dashboard")
struct MetricsTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().path
    static let rules = repository + "/contrib/prometheus/anikura.rules.yml"
    static let dashboard = repository + "/contrib/grafana/anikura-dashboard.json"

    /// Every `anikura_…` metric a file's expressions name, without histogram suffixes.
    static func names(in text: String) -> Set<String> {
        let pattern = try! NSRegularExpression(pattern: "anikura_[a-z0-9_]+")
        let range = NSRange(text.startIndex..., in: text)
        return Set(
            pattern.matches(in: text, range: range).map { match in
                var name = String(text[Range(match.range, in: text)!])
                for suffix in ["_bucket", "_count", "_sum"] where name.hasSuffix(suffix) { name.removeLast(suffix.count) }
                return name
            }
        )
    }

    @Test("promtool accepts /metrics; requests are counted and timed by API; the rules and dashboard name real metrics")
    func metricsRulesAndDashboard() async throws {
        let app = try await TestApp.build()
        let metrics = try await app.test(.live) { client in
            for uri in ["/anime/1", "/anidb-service/anime/1", "/httpapi?request=anime&aid=1", "/api/anime/1", "/health", "/nope"] {
                _ = try await client.execute(uri: uri, method: .get)
            }
            return try await client.execute(uri: "/metrics", method: .get) { $0.text }
        }
        #expect(metrics.contains(#"anikura_http_responses_total{api="kometa",status="2xx"} 2"#), "\(metrics)")
        #expect(metrics.contains(#"anikura_http_responses_total{api="httpapi",status="2xx"} 1"#))
        #expect(metrics.contains(#"anikura_http_responses_total{api="native",status="2xx"} 1"#))
        #expect(metrics.contains(#"anikura_http_responses_total{api="web",status="4xx"} 1"#), "/nope")
        #expect(metrics.contains(#"anikura_http_request_duration_seconds_count{api="kometa"} 2"#))
        let lint = try await ChildProcess.run("/usr/bin/promtool", ["check", "metrics"], input: metrics)
        #expect(lint.status == 0, "promtool check metrics: \(lint.text) \(lint.standardError)")

        // Metrics that exist from the start are in the scrape; counters made on their first event are in the code.
        let exposed = Self.names(in: metrics)
        let sources = try FileManager.default.subpathsOfDirectory(atPath: Self.repository + "/Sources").filter { $0.hasSuffix(".swift") }
            .map { try String(contentsOfFile: Self.repository + "/Sources/" + $0, encoding: .utf8) }.joined()
        let onFirstEvent: Set = [
            "anikura_upstream_requests_total", "anikura_alerts_total", "anikura_jobs_failed_total",
            "anikura_alert_delivery_failures_total",
        ]
        for file in [Self.rules, Self.dashboard] {
            let named = Self.names(in: try String(contentsOfFile: file, encoding: .utf8))
            #expect(!named.isEmpty)
            for name in named.subtracting(exposed) {
                #expect(onFirstEvent.contains(name) && sources.contains("\"\(name)\""), "\(name) in \(file) is not a metric of Anikura")
            }
        }
        let dashboard = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: Self.dashboard))) as? [String: Any]
        let panels = dashboard?["panels"] as? [[String: Any]] ?? []
        #expect(panels.filter { $0["type"] as? String != "row" }.count >= 12)
        let titles = panels.compactMap { $0["title"] as? String }
        for wanted in ["Budget used (rolling 24 h)", "Refresh queue", "Document cache hit rate", "HTTP requests by API", "Latency by API (p50, p95)"]
        {
            #expect(titles.contains(wanted), "\(titles)")
        }
    }

    @Test("promtool accepts the alert rules, and their unit tests pass (each fires when it should, not before)")
    func rulesCheckAndTest() async throws {
        let check = try await ChildProcess.run("/usr/bin/promtool", ["check", "rules", Self.rules])
        #expect(check.status == 0, "\(check.text) \(check.standardError)")
        #expect(check.text.contains("SUCCESS: 10 rules found"), "\(check.text)")
        let test = try await ChildProcess.run("/usr/bin/promtool", ["test", "rules", Self.repository + "/contrib/prometheus/anikura.rules.test.yml"])
        #expect(test.status == 0, "\(test.text) \(test.standardError)")
    }
}
