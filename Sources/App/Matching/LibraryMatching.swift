import Foundation
import Library
import Logging
import Mirror
import Numbering
import OffThread

/// The library's matching, wired to the mirror: builds the matcher's catalog from the mirror's titles and
/// documents, stores the results in the library index, and asks the mirror's queue for the documents it needs.
/// Shared by `anikura match`, the `match` job and the manual-match routes.
final class LibraryMatching: Sendable {
    let index: LibraryIndex
    let store: MirrorStore
    let fetcher: Fetcher
    /// The community mapping (TVDB and TMDB numbering to AniDB's), part of the matcher's catalog.
    let mappingFiles: MappingFiles
    let minConfidence: Double
    let logger: Logger
    /// The matcher built for a catalog version; rebuilt when a document is stored or the titles dump is replaced.
    private let cached = LockedBox<(version: String, matcher: Matcher)?>(nil)
    /// One run at a time: a second caller waits for the first to finish.
    private let gate = AsyncGate()

    init(index: LibraryIndex, store: MirrorStore, fetcher: Fetcher, mappingFiles: MappingFiles, minConfidence: Double, logger: Logger) {
        self.index = index
        self.store = store
        self.fetcher = fetcher
        self.mappingFiles = mappingFiles
        self.minConfidence = minConfidence
        self.logger = logger
    }

    /// Identifies what the matcher would be built from now: documents, titles, the mapping and its corrections.
    func catalogVersion() async throws -> String {
        let titles = fetcher.titlesDumpModified.map { String($0) } ?? "none"
        return try await store.matchingVersion() + "/" + titles + "/" + mappingFiles.version()
    }

    /// The matcher for the mirror as it is now.
    func matcher() async throws -> Matcher {
        let version = try await catalogVersion()
        if let cached = cached.withLock({ $0 }), cached.version == version { return cached.matcher }
        let snapshot = try await store.matchingSnapshot()
        let mapping = try await mappingFiles.mapping()
        let matcher = try await offThread { Matcher(catalog: Self.catalog(snapshot, mapping: mapping)) }
        cached.withLock { $0 = (version, matcher) }
        return matcher
    }

    static func catalog(_ snapshot: MatchingSnapshot, mapping: CommunityMapping = .empty) -> MatchCatalog {
        MatchCatalog(
            titles: snapshot.titles.map { CatalogTitle(aid: $0.aid, type: $0.type, language: $0.language, text: $0.text) },
            anime: Dictionary(
                snapshot.anime.map { anime in
                    (
                        anime.aid,
                        CatalogAnime(
                            aid: anime.aid,
                            type: anime.type,
                            episodeCount: anime.episodeCount,
                            startDate: anime.startDate,
                            relations: anime.relations.map { CatalogRelation(aid: $0.aid, type: $0.type, title: $0.title) }
                        )
                    )
                },
                uniquingKeysWith: { first, _ in first }
            ),
            mapping: mapping
        )
    }

    /// Matches every file in the library (or only `seriesId`'s), stores the results and queues wanted documents.
    func run(seriesId: Int64? = nil, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> MatchReport {
        try await run(scope: seriesId.map { .series($0) } ?? .all, progress: progress)
    }

    /// Which files a run matches.
    enum Scope: Sendable {
        case all
        case series(Int64)
        /// The files at or under these paths: what a targeted scan (a watched folder, a webhook) touched.
        case paths([String])
    }

    func run(scope: Scope, progress: (@Sendable (Int, Int) -> Void)? = nil) async throws -> MatchReport {
        try await gate.run {
            let started = Date().timeIntervalSince1970
            let matcher = try await matcher()
            let (index, minConfidence) = (index, minConfidence)
            let run = try await offThread { () throws -> MatchRun in
                let files: [LibraryFile] =
                    switch scope {
                    case .all: try index.files()
                    case .series(let id): try index.files(seriesId: id)
                    case .paths(let paths): try index.files(under: paths)
                    }
                return matcher.match(files, overrides: try index.overrides(), minConfidence: minConfidence, progress: progress)
            }
            let isAll = if case .all = scope { true } else { false }
            try await offThread { try index.saveMatches(run.matches, replaceAll: isAll, now: Date().timeIntervalSince1970) }
            var report = MatchReport(
                files: run.matches.count,
                applied: run.applied,
                waiting: run.matches.count { !$0.applied && $0.aid != nil },
                unmatched: run.matches.count { $0.aid == nil },
                manual: run.matches.count { $0.source != .auto },
                titles: matcher.catalog.titles.count,
                seconds: run.seconds
            )
            if matcher.hasNoTitles {
                report.warning =
                    "no AniDB titles to match against yet: the titles dump has not been downloaded (it is asked for now) and the mirror holds no documents"
            }
            if !run.wanted.isEmpty { report.documents = try await fetcher.want(run.wanted) }
            if isAll { try await offThread { try index.finishedMatching(startedAt: started) } }
            logger.info("library matching: \(report.summary)")
            return report
        }
    }

    /// Which anime are on disk (applied matches).
    func onDisk() async throws -> Set<Int> {
        Set(try await index.filesByAnime().keys)
    }

    /// The missing-relations report for what is on disk; documents it lacks are queued.
    func missingRelations(types: Set<String>?) async throws -> (report: MissingRelationsReport, documents: DocumentWish?) {
        let catalog = try await matcher().catalog
        let onDisk = try await onDisk()
        let all = Set(catalog.anime.values.flatMap { $0.relations.map(\.type) })
        let report = MissingRelationsReport(onDisk: onDisk, catalog: catalog, types: types ?? all)
        let documents = report.wanted.isEmpty ? nil : try await fetcher.want(report.wanted)
        return (report, documents)
    }

    func franchises() async throws -> [LibraryFranchise] {
        let catalog = try await matcher().catalog
        let onDisk = try await onDisk()
        return try await offThread { LibraryFranchise.build(onDisk: onDisk, catalog: catalog) }
    }
}

/// Lets one async operation run at a time; the others wait their turn (no thread is blocked).
actor AsyncGate {
    private var busy = false
    private var waiters: [CheckedContinuation<Void, Never>] = []

    func run<T: Sendable>(_ body: @Sendable () async throws -> T) async throws -> T {
        if busy {
            await withCheckedContinuation { waiters.append($0) }
        }
        busy = true
        defer {
            if waiters.isEmpty {
                busy = false
            } else {
                waiters.removeFirst().resume()
            }
        }
        return try await body()
    }
}
