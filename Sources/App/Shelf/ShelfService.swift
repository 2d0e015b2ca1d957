import Accounts
import Foundation
import Library
import Mirror
import Numbering
import OffThread
import Stream
import Synchronization

/// The library as people browse it: what is on disk, put together with what the mirror knows and what the user
/// has watched. The grid (`/api/shelf`) and the series page (`/api/series/{aid}`) read from here.
struct ShelfService: Sendable {
    let index: LibraryIndex
    let store: MirrorStore
    let fetcher: Fetcher
    let watch: WatchStateStore
    /// The community mapping, for the series page's ids; nil leaves them out.
    var mappingFiles: MappingFiles? = nil
    /// Sonarr and Radarr, when set up: missing relations carry where they can be sent.
    var handOff = HandOffTargets()
    /// The streams' probe results, for a file's chapters on the player page.
    var probes: ProbeCache? = nil
    /// The media folders' share of the blocking pool, for the probe that reads chapters.
    var mountGuard = MountGuard()
    /// Summaries change only when a document is stored or the titles dump replaced: kept while the mirror's
    /// matching version stays the same, so the grid reads the library and watch state alone.
    let summaries = SummaryCache()

    /// Every anime with a file on disk, in no particular order (the page sorts and filters).
    func shelf(userId: Int64) async throws -> [ShelfSeries] {
        let (files, states) = (try await index.placedFiles(), try await watch.all(userId: userId))
        let byAnime = Dictionary(grouping: files, by: \.aid)
        let summaries = try await summaries.get(Array(byAnime.keys), from: store)
        let watchedByAnime = Dictionary(grouping: states.filter { $0.aid != nil }, by: { $0.aid! })
        return byAnime.map { aid, files in
            let summary = summaries[aid]
            let onDisk = Set(files.map { $0.episode ?? "1" }.filter(ShelfSeries.isRegular))
            let states = watchedByAnime[aid] ?? []
            let watched = Set(states.filter(\.watched).compactMap(\.episode)).intersection(onDisk)
            let started = states.contains { !$0.watched && $0.position > 0 }
            let count = summary?.episodeCount ?? 0
            let missing = count > 0 ? (1...count).count { !onDisk.contains(String($0)) } : 0
            return ShelfSeries(
                aid: aid,
                title: summary?.title ?? "Anime \(aid)",
                englishTitle: summary?.englishTitle,
                type: summary?.type,
                year: summary?.startDate.flatMap { Int($0.prefix(4)) },
                startDate: summary?.startDate,
                endDate: summary?.endDate,
                episodeCount: count > 0 ? count : nil,
                rating: summary?.rating,
                adult: summary?.adult ?? false,
                documented: summary?.documented ?? false,
                files: files.count,
                episodesOnDisk: onDisk.count,
                missingEpisodes: missing,
                watchedEpisodes: watched.count,
                inProgress: started || (!watched.isEmpty && watched.count < onDisk.count),
                addedAt: files.map(\.firstSeenAt).max() ?? 0,
                lastWatchedAt: states.map(\.updatedAt).max(),
                offline: files.allSatisfy(\.offline)
            )
        }
    }

    /// The series page of `aid`: nil when it is neither on disk nor known to the mirror. Asking counts as a
    /// client asking: a missing or stale document is queued for a polite refresh.
    func page(aid: Int, userId: Int64, isAdmin: Bool) async throws -> SeriesPage? {
        let lookup = try await fetcher.lookup(aid: aid, mature: true)
        let (files, states, placed) = (try await index.files(aid: aid), try await watch.all(userId: userId), try await index.placedFiles())
        let record = try await store.animeRecord(aid: aid)
        let summary = try await store.summaries(aids: [aid])[aid]
        guard record != nil || summary != nil || !files.isEmpty else { return nil }
        let onDiskAids = Set(placed.map(\.aid))
        var pending: String?
        if case .queued(let estimate) = lookup {
            pending =
                estimate.holdUp
                ?? "AniDB's details are queued (position \(estimate.position) of \(estimate.queueSize)) and appear once fetched."
        }
        let related = record?.relations ?? []
        let relatedSummaries = try await store.summaries(aids: related.map(\.aid))
        let mapping = try await mappingFiles?.mapping()
        return SeriesPage(
            aid: aid,
            title: record?.title ?? summary?.title ?? files.first?.file.title ?? "Anime \(aid)",
            titles: record?.titles ?? [],
            type: record?.type,
            episodeCount: record?.episodeCount,
            startDate: record?.startDate,
            endDate: record?.endDate,
            rating: record?.ratings.permanent?.value,
            ratingVotes: record?.ratings.permanent?.count,
            description: record?.description,
            url: record?.url,
            adult: record?.adult ?? false,
            tags: Array(
                (record?.tags ?? []).filter { $0.weight > 0 && !$0.globalSpoiler && !$0.localSpoiler }
                    .sorted { $0.weight > $1.weight }.prefix(12).map(\.name)
            ),
            relations: related.map { relation in
                SeriesPage.Relation(
                    aid: relation.aid,
                    type: relation.type,
                    title: relatedSummaries[relation.aid]?.title ?? relation.title,
                    onDisk: onDiskAids.contains(relation.aid),
                    sendTo: isAdmin && !onDiskAids.contains(relation.aid) ? mapping.flatMap { handOff.target(of: relation.aid, in: $0) } : nil
                )
            },
            episodes: (record?.episodes ?? []).map { episode in
                SeriesPage.Episode(
                    number: episode.number,
                    kind: SeriesPage.Episode.kind(typeCode: episode.typeCode),
                    title: SeriesPage.Episode.title(episode.titles),
                    airDate: episode.airDate,
                    length: episode.length
                )
            },
            files: files.map { SeriesPage.File($0.file, $0.match, state: Self.state(of: $0.file.id, $0.match, in: states), isAdmin: isAdmin) },
            librarySeries: Array(Set(files.compactMap(\.file.seriesId))).sorted(),
            pending: pending,
            documented: record != nil,
            ids: mapping?.externalIDs(of: aid)
        )
    }

    /// What the player shows around a file: its series and episode, and the episode that follows (for "next
    /// episode" at the end). Nil when there is no such file.
    func watchContext(fileId: Int64) async throws -> WatchContext? {
        let index = index
        guard let file = try await index.file(id: fileId) else { return nil }
        let name = (file.path as NSString).lastPathComponent
        guard let placement = try await index.placement(fileId: fileId) else {
            return WatchContext(
                fileId: fileId,
                name: name,
                aid: nil,
                seriesTitle: file.title,
                episode: file.episode,
                episodeTitle: nil,
                next: nil,
                chapters: try await chapters(of: file)
            )
        }
        let aid = placement.aid
        let episode = placement.episode ?? "1"
        let files = try await index.files(aid: aid)
        let record = try await store.animeRecord(aid: aid)
        let summary = try await store.summaries(aids: [aid])[aid]
        let titles = Dictionary((record?.episodes ?? []).map { ($0.number, SeriesPage.Episode.title($0.titles)) }, uniquingKeysWith: { a, _ in a })
        // The next regular episode with a playable file: number + 1, else the lowest number above this one.
        var next: WatchContext.Next?
        if let number = Int(episode) {
            let candidates = files.filter { !$0.file.offline }.compactMap { entry -> (Int, LibraryFile, String)? in
                guard let other = Int(entry.match.episode ?? "1"), other > number else { return nil }
                return (other, entry.file, entry.match.episode ?? "1")
            }
            if let best = candidates.min(by: { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1.path < $1.1.path) }) {
                next = WatchContext.Next(fileId: best.1.id, episode: best.2, title: titles[best.2] ?? nil)
            }
        }
        return WatchContext(
            fileId: fileId,
            name: name,
            aid: aid,
            seriesTitle: record?.title ?? summary?.title ?? file.title,
            episode: episode,
            episodeTitle: titles[episode] ?? nil,
            next: next,
            chapters: try await chapters(of: file)
        )
    }

    /// The file's chapters from its probe (made once, kept with the stream's); nil when it cannot be read.
    func chapters(of file: LibraryFile) async throws -> [WatchContext.Chapter]? {
        guard let probes, !file.offline else { return nil }
        let source = StreamSource(fileId: file.id, path: file.path, size: file.size, modifiedAt: file.modifiedAt, folder: file.root)
        let info = try? await mountGuard.run(folder: file.root, stalled: StreamError.stalled(path: file.path, seconds: 0)) {
            () throws(StreamError) -> MediaInfo? in try? probes.info(for: source)
        }
        guard let info = info ?? nil else { return nil }
        return info.chapters.map { WatchContext.Chapter(title: $0.title, start: $0.start, end: $0.end, kind: $0.kind.rawValue) }
    }

    /// A file's watch state: kept by episode once matched, so it is found whichever file the user played.
    static func state(of fileId: Int64, _ match: FileMatch, in states: [WatchProgress]) -> WatchProgress? {
        let episode = match.episode ?? "1"
        return states.first { $0.aid == match.aid && $0.episode == episode } ?? states.first { $0.fileId == fileId && $0.aid == nil }
    }
}

/// Anime summaries by aid, valid for one version of the mirror's documents and titles.
final class SummaryCache: Sendable {
    private let state = Mutex<(version: String, summaries: [Int: AnimeSummary], missing: Set<Int>)>(("", [:], []))

    func get(_ aids: [Int], from store: MirrorStore) async throws -> [Int: AnimeSummary] {
        let version = try await store.matchingVersion()
        let (known, wanted) = state.withLock { state -> ([Int: AnimeSummary], [Int]) in
            if state.version != version { state = (version, [:], []) }
            return (state.summaries, aids.filter { state.summaries[$0] == nil && !state.missing.contains($0) })
        }
        guard !wanted.isEmpty else { return known }
        let fetched = try await store.summaries(aids: wanted)
        return state.withLock { state in
            guard state.version == version else { return known.merging(fetched) { $1 } }
            state.summaries.merge(fetched) { $1 }
            state.missing.formUnion(wanted.filter { fetched[$0] == nil })
            return state.summaries
        }
    }
}
