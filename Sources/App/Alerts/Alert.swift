import Foundation

/// Something an admin should hear about without watching `/stats`: sent to the webhooks in `[alerts]`.
struct Alert: Sendable {
    enum Kind: String, Sendable, CaseIterable {
        /// The rolling 24-hour AniDB budget is used up: nothing is fetched until it frees.
        case budgetExhausted = "budget_exhausted"
        /// AniDB banned us; fetching waits until `until`.
        case banned
        /// AniDB refused our client (bad client name or version): fetching has stopped until the configuration changes.
        case clientError = "client_error"
        /// Fetching goes on again after a ban, an exhausted budget or a client error.
        case fetchingResumed = "fetching_resumed"
        /// A library scan, matching or the seed import failed.
        case jobFailed = "job_failed"
        /// A media folder cannot be read or is empty while the library holds files in it (an unmounted disk).
        case mediaOffline = "media_offline"
        /// This start follows a stop that was not clean (a crash, a kill, a power cut).
        case uncleanStop = "unclean_stop"

        /// A short title for chat messages.
        var title: String {
            switch self {
            case .budgetExhausted: "AniDB budget used up"
            case .banned: "Banned by AniDB"
            case .clientError: "AniDB refused the client"
            case .fetchingResumed: "AniDB fetching resumed"
            case .jobFailed: "A job failed"
            case .mediaOffline: "Media folder offline"
            case .uncleanStop: "Restarted after an unclean stop"
            }
        }

        /// Good news is not a warning.
        var isProblem: Bool { self != .fetchingResumed }
    }

    var kind: Kind
    var message: String
    /// Unix seconds.
    var time: Double
    /// Machine-readable facts for the JSON format (`until`, `job`, `folder`…).
    var details: [String: String] = [:]
}
