import Foundation
public import Logging
public import OffThread
public import ServiceLifecycle
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// Streams library files over HLS: probes them, decides what to copy and what to transcode, publishes
/// playlists, and makes segments on demand through one producer per file and rendition.
/// A `Service`: while it runs, producers nobody used for `idleSeconds` are stopped and their slots freed.
public final class StreamService: Service, Sendable {
    let probes: ProbeCache
    public let cache: SegmentCache
    let tool: any MediaTool
    let settings: StreamSettings
    let logger: Logger
    let remuxer = SegmentRemuxer()
    let gate = ProductionGate()
    /// Keeps calls into a media folder that stopped answering from taking the blocking pool.
    public let mountGuard: MountGuard
    /// Seek-preview sprite sheets, made one file at a time in the background.
    public let trickplay: TrickplayMaker

    private struct ProducerKey: Hashable {
        var source: StreamSource
        var rendition: Rendition
    }

    private struct State {
        var producers: [ProducerKey: SegmentProducer] = [:]
        var infos: [StreamSource: MediaInfo] = [:]
    }

    private let state = Mutex(State())

    public init(
        probes: ProbeCache,
        cache: SegmentCache,
        tool: any MediaTool,
        settings: StreamSettings,
        mountGuard: MountGuard = MountGuard(),
        logger: Logger
    ) {
        self.probes = probes
        self.mountGuard = mountGuard
        self.cache = cache
        self.tool = tool
        self.settings = settings
        self.logger = logger
        trickplay = TrickplayMaker(cache: cache, tool: tool, gate: gate, logger: logger)
    }

    // MARK: - What clients ask for

    /// The probe of a file, from memory, the database, or libavformat (off the caller's thread).
    public func info(_ source: StreamSource) async throws(StreamError) -> MediaInfo {
        if let known = state.withLock({ $0.infos[source] }) { return known }
        let probes = self.probes
        let info = try await reading(source) { () throws(StreamError) -> MediaInfo in
            do {
                return try probes.info(for: source)
            } catch let error as StreamError {
                throw error
            } catch {
                throw .unreadable(path: source.path, reason: "\(error)")
            }
        }
        state.withLock { state in
            // Only the newest version of a file is worth remembering.
            state.infos = state.infos.filter { $0.key.fileId != source.fileId }
            state.infos[source] = info
        }
        return info
    }

    /// Runs a blocking call that reads `source` from its media folder, within the folder's `MountGuard` slots.
    func reading<T: Sendable>(
        _ source: StreamSource,
        _ body: @escaping @Sendable () throws(StreamError) -> T
    ) async throws(StreamError) -> T {
        let path = source.path
        let seconds = Int(mountGuard.patience.components.seconds)
        return try await mountGuard.run(folder: source.folder, stalled: StreamError.stalled(path: path, seconds: seconds), body)
    }

    public func decision(_ info: MediaInfo, client: ClientProfile) -> StreamDecision {
        StreamDecision(info: info, client: client, transcodeHeight: settings.transcodeHeight)
    }

    public func masterPlaylist(_ source: StreamSource, client: ClientProfile) async throws(StreamError) -> String {
        let info = try await info(source)
        // A player opening the stream is the moment to start its seek previews, in the background.
        _ = await trickplay.status(source, info)
        return MasterPlaylist.make(info: info, decision: decision(info, client: client), client: client)
    }

    /// A VOD media playlist, complete at once: boundaries are known before any segment exists.
    public func mediaPlaylist(_ source: StreamSource, _ rendition: Rendition) async throws(StreamError) -> String {
        let info = try await info(source)
        try validate(rendition, info)
        let suffix = if case .subtitles = rendition { "vtt" } else { "ts" }
        return plan(rendition, info).playlist { "\($0).\(suffix)" }
    }

    /// The path of a finished segment, made now if it is not in the cache.
    public func segment(_ source: StreamSource, _ rendition: Rendition, _ index: Int) async throws(StreamError) -> String {
        let info = try await info(source)
        try validate(rendition, info)
        let plan = plan(rendition, info)
        guard plan.segments.indices.contains(index) else {
            throw .notFound("segment \(index) of \(rendition): there are \(plan.segments.count)")
        }
        let producer = try producer(source, rendition, info, plan)
        do {
            return try await producer.segment(index)
        } catch let error as StreamError {
            throw error
        } catch is CancellationError {
            throw .cancelled
        } catch {
            throw .production("\(error)")
        }
    }

    /// A text subtitle track as one WebVTT file, cue times from the file's start: for a `<track>` element where a native
    /// HLS player shows no subtitle renditions. Extracted once, with the track's segments.
    public func subtitleFile(_ source: StreamSource, track: Int) async throws(StreamError) -> String {
        _ = try await segment(source, .subtitles(track), 0)
        let path = cache.folder(source, .subtitles(track)) + "/full.vtt"
        guard FileManager.default.fileExists(atPath: path) else { throw .production("the extracted subtitles are missing") }
        return path
    }

    /// The seek previews of a file: ready, being made (started now if need be), or impossible.
    public func seekPreviews(_ source: StreamSource) async throws(StreamError) -> TrickplayMaker.Status {
        let info = try await info(source)
        return await trickplay.status(source, info)
    }

    /// Transcoding producers that are working or were used within `idleSeconds`.
    public func activeTranscodes() async -> Int {
        let producers = state.withLock { state in state.producers.filter { $0.key.rendition.isTranscodedVideo }.map(\.value) }
        var count = 0
        for producer in producers where await isActive(producer) { count += 1 }
        return count
    }

    /// Producers kept for a file and rendition, working or waiting to be asked again (until `idleSeconds` pass).
    public var producerCount: Int { state.withLock { $0.producers.count } }

    /// The segment grid of a file, shared by all its renditions: the file's own keyframes when its video can be copied,
    /// an even grid otherwise. One grid means audio, subtitle and every video variant start and end together, as Apple's
    /// authoring rules ask and as a native player switching variants needs.
    func plan(_ rendition: Rendition, _ info: MediaInfo) -> SegmentPlan {
        if decision(info, client: ClientProfile()).video == .copy {
            return SegmentPlan(keyframes: info.keyframes, duration: info.duration, target: settings.segmentSeconds)
        }
        return SegmentPlan(keyframes: [], duration: info.duration, target: settings.segmentSeconds)
    }

    /// Only renditions this file has, in the shapes Anikura itself would offer (no made-up heights).
    func validate(_ rendition: Rendition, _ info: MediaInfo) throws(StreamError) {
        switch rendition {
        case .video(.copy):
            guard decision(info, client: ClientProfile()).video == .copy else {
                throw .notFound("this file's video cannot be copied for a browser; it is transcoded")
            }
        case .video(.h264(let height, let burn)):
            guard decision(info, client: ClientProfile(forceTranscode: true)).ladder.contains(height) else {
                throw .notFound("no \(height)p rendition for this file")
            }
            if let burn, !(info.subtitles.indices.contains(burn) && info.subtitles[burn].canBurnIn) {
                throw .notFound("no text or bitmap subtitle track \(burn) to burn in")
            }
        case .audio(let track):
            guard info.audio.indices.contains(track) else { throw .notFound("no audio track \(track)") }
        case .subtitles(let track):
            guard info.subtitles.indices.contains(track), info.subtitles[track].isText else {
                throw .notFound("no text subtitle track \(track)")
            }
        }
    }

    // MARK: - Producers

    private func producer(
        _ source: StreamSource,
        _ rendition: Rendition,
        _ info: MediaInfo,
        _ plan: SegmentPlan
    ) throws(StreamError) -> SegmentProducer {
        let key = ProducerKey(source: source, rendition: rendition)
        return try state.withLock { state throws(StreamError) -> SegmentProducer in
            if let existing = state.producers[key] { return existing }
            if rendition.isTranscodedVideo {
                let transcodes = state.producers.filter { $0.key.rendition.isTranscodedVideo }.count
                guard transcodes < settings.maxTranscodes else {
                    throw .busy(retryAfter: max(1, Int(settings.idleSeconds / 2)))
                }
            }
            let folder = cache.folder(source, rendition)
            let suffix = if case .subtitles = rendition { "vtt" } else { "ts" }
            let producer = SegmentProducer(
                count: plan.segments.count,
                prefetch: settings.prefetchSegments,
                cache: cache,
                path: { "\(folder)/\($0).\(suffix)" },
                make: { [self] index, urgent throws(StreamError) in
                    try await make(index, of: rendition, source, info, plan, folder: folder, urgent: urgent)
                }
            )
            state.producers[key] = producer
            logger.debug("stream producer started", metadata: ["file": "\(source.fileId)", "rendition": "\(rendition)"])
            return producer
        }
    }

    private func isActive(_ producer: SegmentProducer) async -> Bool {
        let idle = await producer.isIdle
        let lastUsed = await producer.lastUsed
        return !idle || ContinuousClock.now - lastUsed < .seconds(settings.idleSeconds)
    }

    /// Stops producers nobody has used for `idleSeconds`; their segments stay in the cache.
    public func sweepIdleProducers() async {
        let producers = state.withLock { $0.producers }
        for (key, producer) in producers where await !isActive(producer) {
            state.withLock { state in
                if state.producers[key] === producer { state.producers.removeValue(forKey: key) }
            }
            logger.debug("stream producer stopped", metadata: ["file": "\(key.source.fileId)", "rendition": "\(key.rendition)"])
        }
    }

    public func run() async throws {
        let interval = Duration.seconds(max(1, min(10, settings.idleSeconds / 4)))
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: interval) }
            await sweepIdleProducers()
        }
        // Shutting down: no ffmpeg outlives the server.
        let producers = state.withLock { state in
            defer { state.producers = [:] }
            return Array(state.producers.values)
        }
        for producer in producers { await producer.stop() }
        await trickplay.stop()
    }
}
