import Foundation
import Logging
import Mirror
import ServiceLifecycle
import Synchronization

/// Raises alerts and delivers them to every webhook in `[alerts]`, as a `Service` of the app's group.
///
/// `raise` never blocks or fails: it drops an alert of a kind already sent within `repeatSeconds`, logs the rest and
/// queues them. Each delivery runs on its own, retried with doubling pauses, so a dead receiver delays nothing else.
final class AlertCenter: Service, Sendable {
    let settings: AlertSettings
    let transport: any AlertTransport
    let clock: any MirrorClock
    let instance: String
    let metrics: MirrorMetrics
    let logger: Logger
    private let lastRaised = Mutex<[Alert.Kind: Double]>([:])
    private let queue: AsyncStream<Alert>
    private let enqueue: AsyncStream<Alert>.Continuation

    init(
        settings: AlertSettings,
        transport: any AlertTransport = HTTPAlertTransport(),
        clock: any MirrorClock,
        instance: String,
        metrics: MirrorMetrics,
        logger: Logger
    ) {
        self.settings = settings
        self.transport = transport
        self.clock = clock
        self.instance = instance
        self.metrics = metrics
        self.logger = logger
        (queue, enqueue) = AsyncStream.makeStream(bufferingPolicy: .bufferingNewest(100))
    }

    /// Raises an alert; false when one of its kind went out within `repeatSeconds` (it is then only logged at debug).
    @discardableResult
    func raise(_ kind: Alert.Kind, _ message: String, details: [String: String] = [:]) -> Bool {
        let now = clock.now()
        let due = lastRaised.withLock { last -> Bool in
            if let previous = last[kind], now - previous < settings.repeatSeconds { return false }
            last[kind] = now
            return true
        }
        guard due else {
            logger.debug("alert \(kind.rawValue) held back (one per \(Int(settings.repeatSeconds / 60)) min): \(message)")
            return false
        }
        logger.notice("alert \(kind.rawValue): \(message)")
        metrics.count("anikura_alerts_total", help: "Alerts raised, by kind.", labels: [("kind", kind.rawValue)])
        if !settings.webhookURLs.isEmpty { enqueue.yield(Alert(kind: kind, message: message, time: now, details: details)) }
        return true
    }

    func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                for await alert in queue {
                    for url in settings.webhookURLs {
                        group.addTask { await self.deliver(alert, to: url) }
                    }
                }
                // Shutting down: deliveries still waiting to retry are given up.
                group.cancelAll()
            }
        } onGracefulShutdown: {
            self.enqueue.finish()
        }
    }

    /// One alert to one webhook: retried on a network error, a 5xx or a 429; a 4xx means the URL or token is wrong.
    func deliver(_ alert: Alert, to url: String) async {
        let request = settings.format.request(for: alert, instance: instance)
        let target = AlertSettings.redacted(url)
        var pause = settings.retrySeconds
        for attempt in 1...max(1, settings.attempts) {
            let problem: String
            do {
                let status = try await transport.post(url, headers: request.headers, body: request.body)
                if (200..<300).contains(status) {
                    logger.debug("alert \(alert.kind.rawValue) delivered to \(target)")
                    return
                }
                problem = "HTTP \(status)"
                if (400..<500).contains(status), status != 429 {
                    failed(alert, target, "\(problem); not retried (check the URL and its token)")
                    return
                }
            } catch {
                problem = "\(error)"
            }
            guard attempt < settings.attempts, !Task.isCancelled else {
                failed(alert, target, "\(problem) after \(attempt) tries")
                return
            }
            logger.warning("alert \(alert.kind.rawValue) to \(target): \(problem); retrying in \(Int(pause.rounded(.up))) s")
            do { try await Task.sleep(for: .seconds(pause)) } catch {
                failed(alert, target, "\(problem); shutting down")
                return
            }
            pause = min(pause * 2, 900)
        }
    }

    private func failed(_ alert: Alert, _ target: String, _ reason: String) {
        metrics.count("anikura_alert_delivery_failures_total", help: "Alert deliveries given up.", labels: [])
        logger.error("alert \(alert.kind.rawValue) could not be delivered to \(target): \(reason)")
    }
}
