import Foundation
import Logging

#if canImport(Glibc)
import Glibc
#endif

/// Makes seek-preview sprite sheets for a file on demand, one file at a time, in the background: asked for when a
/// file is first played (or its thumbnails track is), never for the whole library. The sheets are kept with the
/// file's segments, in its cache folder, under the same size cap.
///
/// Two ffmpeg runs: the first decodes keyframes only (`-skip_frame nokey`, a few milliseconds each even at 1080p)
/// and keeps the one nearest each 10 s mark, 320 px wide; the second tiles those into sheets. A picture is the
/// last keyframe at or before its moment (`round=down`: at most one keyframe interval early): what makes a 24-minute episode take seconds
/// of CPU rather than minutes.
public actor TrickplayMaker {
    public enum Status: Sendable, Equatable {
        /// The WebVTT track and sheets are in this folder.
        case ready(folder: String)
        /// Queued or being made.
        case making
        /// Could not be made (the reason, for the log); asked again after a new version of the file.
        case failed(String)
    }

    private struct Job {
        var source: StreamSource
        var info: MediaInfo
    }

    private let cache: SegmentCache
    private let tool: any MediaTool
    private let gate: ProductionGate
    private let logger: Logger
    private var queue: [Job] = []
    private var failures: [String: String] = [:]
    private var current: String?
    private var worker: Task<Void, Never>?
    /// At most this many files wait; an older request is dropped for a newer one (the user moved on).
    static let queueLimit = 8
    static let startDelay = Duration.seconds(2)

    init(cache: SegmentCache, tool: any MediaTool, gate: ProductionGate, logger: Logger) {
        self.cache = cache
        self.tool = tool
        self.gate = gate
        self.logger = logger
    }

    nonisolated func folder(_ source: StreamSource) -> String { "\(cache.root)/\(source.cacheKey)/trickplay" }

    /// Where the thumbnails are, starting them if they are not made yet.
    public func status(_ source: StreamSource, _ info: MediaInfo) -> Status {
        let folder = folder(source)
        if access(folder + "/index.vtt", F_OK) == 0 { return .ready(folder: folder) }
        if let reason = failures[source.cacheKey] { return .failed(reason) }
        if info.video == nil || info.duration <= 0 { return .failed("no video to take pictures from") }
        if current != source.cacheKey && !queue.contains(where: { $0.source == source }) {
            queue.append(Job(source: source, info: info))
            if queue.count > Self.queueLimit { queue.removeFirst() }
        }
        if worker == nil { worker = Task { await drain() } }
        return .making
    }

    /// A sheet was found missing (evicted): the set is made again on the next request.
    public func forget(_ source: StreamSource) {
        unlink(folder(source) + "/index.vtt")
    }

    /// Stops the work in progress (its ffmpeg ends with it) and drops the queue.
    public func stop() async {
        queue.removeAll()
        worker?.cancel()
        await worker?.value
        worker = nil
    }

    private func drain() async {
        // The first seconds of a play are for its first segments and the player's start.
        try? await Task.sleep(for: Self.startDelay)
        while !Task.isCancelled, !queue.isEmpty {
            let job = queue.removeLast()  // the newest request first: the file someone is watching now
            current = job.source.cacheKey
            let started = ContinuousClock.now
            let cpuBefore = Self.childCPUSeconds()
            do {
                let count = try await make(job)
                logger.info(
                    "seek previews made",
                    metadata: [
                        "file": "\(job.source.fileId)", "pictures": "\(count)",
                        "seconds": "\((ContinuousClock.now - started) / .seconds(1))",
                        // ffmpeg's CPU time (children of this process; other ffmpeg runs at the same time count too).
                        "cpu_seconds": "\(Self.childCPUSeconds() - cpuBefore)",
                    ]
                )
            } catch {
                if !Task.isCancelled {
                    failures[job.source.cacheKey] = error.description
                    logger.warning("seek previews failed", metadata: ["file": "\(job.source.fileId)", "reason": "\(error)"])
                }
            }
            current = nil
        }
        worker = nil
    }

    /// User and system CPU time of finished child processes.
    static func childCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_CHILDREN.rawValue, &usage)
        func seconds(_ time: timeval) -> Double { Double(time.tv_sec) + Double(time.tv_usec) / 1_000_000 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }

    private func make(_ job: Job) async throws(StreamError) -> Int {
        let folder = folder(job.source)
        let pictures = folder + "/pictures"
        try? FileManager.default.removeItem(atPath: pictures)
        do {
            try FileManager.default.createDirectory(atPath: pictures, withIntermediateDirectories: true)
        } catch {
            throw .production("cannot make \(pictures): \(error)")
        }
        defer { try? FileManager.default.removeItem(atPath: pictures) }
        let video = job.info.video!
        let shape = TrickplayLayout(windows: [], sourceWidth: video.width, sourceHeight: video.height)
        let interval = Int(TrickplayLayout.interval)
        // Made ahead of need: a segment a player waits for goes first, and one core is left for the segments made ahead.
        await gate.enter(urgent: false)
        try await tool.ffmpeg([
            "-threads", "1", "-skip_frame", "nokey", "-i", job.source.path, "-map", "0:\(video.streamIndex)", "-an", "-sn", "-dn",
            // The first keyframe in each interval; each file is named by its time in milliseconds.
            "-vf",
            "select='isnan(prev_selected_t)+gte(floor(t/\(interval))-floor(prev_selected_t/\(interval))\\,1)',"
                + "scale=\(TrickplayLayout.width):\(shape.height)",
            "-vsync", "vfr", "-enc_time_base", "1:1000", "-frame_pts", "1", "-q:v", "5", "-f", "image2", pictures + "/%d.jpg",
        ])
        let names = (try? FileManager.default.contentsOfDirectory(atPath: pictures)) ?? []
        let times = names.compactMap { $0.hasSuffix(".jpg") ? Int($0.dropLast(4)) : nil }.sorted()
        guard !times.isEmpty else { throw .production("ffmpeg made no pictures") }
        // Numbered in order for the tiling run; the interval each was taken in goes to the track.
        for (position, milliseconds) in times.enumerated() {
            rename(pictures + "/\(milliseconds).jpg", pictures + "/tile-" + String(format: "%05d", position + 1) + ".jpg")
        }
        let windows = times.map { max(0, Int((Double($0) / 1000 - job.info.startTime) / TrickplayLayout.interval)) }
        let layout = TrickplayLayout(windows: windows, sourceWidth: video.width, sourceHeight: video.height)
        await gate.enter(urgent: false)
        try await tool.ffmpeg([
            "-framerate", "1", "-i", pictures + "/tile-%05d.jpg", "-vf", "tile=\(TrickplayLayout.columns)x\(layout.rows)",
            "-q:v", "5", "-f", "image2", folder + "/sheet-%d.jpg",
        ])
        for sheet in 1...layout.sheetCount {
            let path = folder + "/sheet-\(sheet).jpg"
            guard access(path, F_OK) == 0 else { throw .production("sheet \(sheet) of \(layout.sheetCount) is missing") }
            await cache.added(path)
        }
        // The track last, under a temporary name: its presence means every sheet is there.
        let track = folder + "/index.vtt"
        do {
            try Data(layout.webVTT(duration: job.info.duration).utf8).write(to: URL(fileURLWithPath: track), options: .atomic)
        } catch {
            throw .production("cannot write \(track): \(error)")
        }
        await cache.added(track)
        return layout.count
    }
}
