import Foundation
internal import GRDB
public import Logging
import OffThread

/// Where posters come from and how many may be downloaded: AniDB's image CDN has its own budget, apart from the
/// API's (`mirror.image_url`, `mirror.image_daily_limit`).
public struct PosterSettings: Sendable {
    /// The CDN folder the document's `<picture>` name is appended to.
    public var baseURL: String
    public var dailyLimit: Int
    /// Downloaded posters live here (`DATA/images/anime/NAME`), kept forever: a name's picture never changes.
    public var directory: String

    public init(baseURL: String, dailyLimit: Int, directory: String) {
        self.baseURL = baseURL.hasSuffix("/") ? baseURL : baseURL + "/"
        self.dailyLimit = dailyLimit
        self.directory = directory
    }
}

/// A poster, or why there is none (the page then shows a placeholder with the title's initials).
public enum PosterLookup: Sendable, Equatable {
    case image(bytes: [UInt8], name: String, contentType: String)
    case placeholder(title: String?, reason: PlaceholderReason)

    public enum PlaceholderReason: String, Sendable {
        /// No document, or the document names no picture.
        case noPicture = "no-picture"
        /// The CDN answered 403 or 404: remembered, never asked again.
        case refused
        /// The day's image budget is used up; tried again later.
        case budget
        /// A download failed (network, 5xx, not an image); tried again after an hour.
        case failed
    }

    /// Placeholders that may become a real poster later must not be cached for long.
    public var isLasting: Bool {
        switch self {
        case .image: true
        case .placeholder(_, let reason): reason == .refused || reason == .noPicture
        }
    }
}

/// Posters from AniDB's CDN: fetched on first request, one download at a time, kept on disk forever.
public actor PosterStore {
    let store: MirrorStore
    let transport: any AniDBTransport
    let clock: any MirrorClock
    let settings: PosterSettings
    let logger: Logger
    /// The download in progress or last queued: each new one waits for it, so the CDN sees one at a time.
    private var tail: Task<Void, Never>?
    /// Downloads asked for and not finished, by name: a second request for the same poster waits for the first.
    private var inFlight: [String: Task<PosterLookup, Never>] = [:]
    /// How long a failed download is not retried.
    static let retryAfterFailure: Double = 3600

    public init(store: MirrorStore, transport: any AniDBTransport, clock: any MirrorClock, settings: PosterSettings, logger: Logger) {
        self.store = store
        self.transport = transport
        self.clock = clock
        self.settings = settings
        self.logger = logger
    }

    public func poster(aid: Int) async throws -> PosterLookup {
        let summary = try await store.summaries(aids: [aid])[aid]
        guard let name = summary?.picture, Self.isSafeName(name) else {
            return .placeholder(title: summary?.title, reason: .noPicture)
        }
        let path = settings.directory + "/anime/" + name
        if let bytes = try await Self.read(path) { return .image(bytes: bytes, name: name, contentType: Self.contentType(name)) }
        if let running = inFlight[name] { return await running.value }
        let title = summary?.title
        if let refusal = try await refusal(name: name, title: title) { return refusal }
        let previous = tail
        let download = Task { () -> PosterLookup in
            await previous?.value
            return await self.download(name: name, title: title, to: path)
        }
        inFlight[name] = download
        tail = Task { _ = await download.value }
        let result = await download.value
        inFlight[name] = nil
        return result
    }

    /// A remembered refusal, a recent failure, or the budget spent: the placeholder to answer with, if any.
    private func refusal(name: String, title: String?) async throws -> PosterLookup? {
        let now = clock.now()
        let (last, used) = try await store.writer.readOffCooperativePool { db -> ((status: Int, at: Double)?, Int) in
            let row = try Row.fetchOne(db, sql: "SELECT status, attemptedAt FROM imageDownload WHERE name = ?", arguments: [name])
            let used = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM imageDownload WHERE attemptedAt > ?", arguments: [now - 86_400]) ?? 0
            return (row.map { (status: $0["status"], at: $0["attemptedAt"]) }, used)
        }
        if let last {
            if last.status == 403 || last.status == 404 { return .placeholder(title: title, reason: .refused) }
            if last.status != 200, now - last.at < Self.retryAfterFailure { return .placeholder(title: title, reason: .failed) }
        }
        if used >= settings.dailyLimit { return .placeholder(title: title, reason: .budget) }
        return nil
    }

    private func download(name: String, title: String?, to path: String) async -> PosterLookup {
        // Another request may have finished this one while we waited our turn.
        if let bytes = try? await Self.read(path) { return .image(bytes: bytes, name: name, contentType: Self.contentType(name)) }
        var status = 0
        var result = PosterLookup.placeholder(title: title, reason: .failed)
        do {
            let response = try await transport.get(settings.baseURL + name)
            status = response.status
            if response.status == 200, Self.isImage(response.body) {
                try await offThread { () throws(AtomicFile.Error) in try AtomicFile.write(response.body, to: path) }
                result = .image(bytes: response.body, name: name, contentType: Self.contentType(name))
            } else if response.status == 200 {
                status = 0
                logger.warning("poster \(name): the image CDN answered 200 with something that is not an image")
            } else if response.status == 403 || response.status == 404 {
                result = .placeholder(title: title, reason: .refused)
                logger.info("poster \(name): the image CDN answered \(response.status); not asked again")
            } else {
                logger.warning("poster \(name): the image CDN answered \(response.status)")
            }
        } catch {
            logger.warning("poster \(name): \(error)")
        }
        let now = clock.now()
        let recorded = status
        do {
            try await store.writer.write { db in
                try db.execute(
                    sql: "INSERT OR REPLACE INTO imageDownload (name, status, attemptedAt) VALUES (?, ?, ?)",
                    arguments: [name, recorded, now]
                )
            }
        } catch {
            logger.error("poster \(name): cannot record the download: \(error)")
        }
        return result
    }

    /// AniDB's names are like `12345.jpg`: nothing that could leave the posters folder.
    static func isSafeName(_ name: String) -> Bool {
        !name.isEmpty && name.count <= 128 && !name.hasPrefix(".")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "-" || $0 == "_") }
    }

    /// JPEG, PNG, GIF or WebP by their first bytes: an HTML error page with status 200 is not a poster.
    static func isImage(_ bytes: [UInt8]) -> Bool {
        bytes.starts(with: [0xFF, 0xD8, 0xFF]) || bytes.starts(with: [0x89, 0x50, 0x4E, 0x47])
            || bytes.starts(with: Array("GIF8".utf8)) || (bytes.count > 12 && bytes[8..<12].elementsEqual("WEBP".utf8))
    }

    static func contentType(_ name: String) -> String {
        switch name.split(separator: ".").last?.lowercased() {
        case "png": "image/png"
        case "gif": "image/gif"
        case "webp": "image/webp"
        default: "image/jpeg"
        }
    }

    static func read(_ path: String) async throws -> [UInt8]? {
        try await offThread { () throws -> [UInt8]? in
            guard FileManager.default.fileExists(atPath: path) else { return nil }
            return Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        }
    }
}
