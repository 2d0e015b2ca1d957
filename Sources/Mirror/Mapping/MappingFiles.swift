import Foundation
public import Numbering
import OffThread

/// The community mapping files as the mirror keeps them: each as it was downloaded, in the data folder, replaced
/// only by a copy that parses whole; and the `CommunityMapping` built from both and the corrections, rebuilt when
/// any of them changes.
public final class MappingFiles: Sendable {
    let directory: String
    public let store: MirrorStore
    public let ledger: any UpstreamLedger
    private let cached = LockedBox<(version: String, mapping: CommunityMapping)?>(nil)
    private let cachedExport = LockedBox<(version: String, json: [UInt8])?>(nil)

    public init(directory: String, store: MirrorStore, ledger: any UpstreamLedger) {
        self.directory = directory
        self.store = store
        self.ledger = ledger
    }

    public func path(_ kind: MappingFileKind) -> String { directory + "/" + kind.fileName }

    /// True when a copy is kept.
    public func has(_ kind: MappingFileKind) -> Bool { FileManager.default.fileExists(atPath: path(kind)) }

    /// The copy kept, or nil when there is none yet.
    public func bytes(_ kind: MappingFileKind) -> [UInt8]? {
        FileManager.default.contents(atPath: path(kind)).map { [UInt8]($0) }
    }

    /// Keeps `bytes` as the file of `kind` when the whole file parses; returns how many anime it lists. A file that
    /// does not parse throws `MappingFileError` and leaves the copy kept, and its state, as they were.
    @discardableResult
    public func install(
        _ kind: MappingFileKind,
        bytes: [UInt8],
        fetchedAt: Double,
        etag: String? = nil,
        lastModified: String? = nil,
        share: Bool = true
    ) async throws -> Int {
        guard bytes.count <= MappingFileKind.maxBytes else {
            throw MappingFileError(
                "\(kind.fileName) is \(bytes.count) bytes, more than the \(MappingFileKind.maxBytes >> 20) MB a mapping file may have"
            )
        }
        let entries = try await offThread { () throws(MappingFileError) -> Int in try kind.validate(bytes) }
        try AtomicFile.write(bytes, to: path(kind))
        var state = try await store.mappingFileState(kind)
        state.etag = etag
        state.lastModified = lastModified
        state.fetchedAt = fetchedAt
        state.entries = entries
        state.error = nil
        state.errorAt = nil
        try await store.saveMappingFileState(state)
        if share { try await ledger.shareMappingFile(kind.fileName, bytes: bytes, etag: etag, lastModified: lastModified, fetchedAt: fetchedAt) }
        return entries
    }

    /// Keeps the copy another instance shared (it is already in PostgreSQL: not shared again).
    @discardableResult
    public func takeShared(_ kind: MappingFileKind, _ shared: SharedMappingFile) async throws -> Int {
        try await install(
            kind,
            bytes: shared.bytes,
            fetchedAt: shared.fetchedAt,
            etag: shared.etag,
            lastModified: shared.lastModified,
            share: false
        )
    }

    /// Identifies the files and corrections as they are now; changes whenever the mapping would.
    public func version() async throws -> String {
        var parts: [String] = []
        for kind in MappingFileKind.allCases {
            let attributes = try? FileManager.default.attributesOfItem(atPath: path(kind))
            let modified = (attributes?[.modificationDate] as? Date)?.timeIntervalSince1970 ?? 0
            parts.append("\(attributes?[.size] as? Int ?? 0)@\(modified)")
        }
        parts.append(try await store.mappingCorrectionsVersion())
        return parts.joined(separator: "/")
    }

    /// The mapping built from the files kept and the corrections. A file that no longer parses (changed on disk by
    /// hand) counts as missing, and says so in the log through `problems`.
    public func mapping() async throws -> CommunityMapping {
        let version = try await version()
        if let cached = cached.withLock({ $0 }), cached.version == version { return cached.mapping }
        let corrections = try await store.mappingCorrections()
        let (list, ids) = (bytes(.animeList), bytes(.animeIDs))
        let mapping = await offThread { () -> CommunityMapping in
            let entries = list.flatMap { try? AnimeListParser.parse($0) } ?? []
            let known = ids.flatMap { try? AnimeIDsParser.parse($0) } ?? []
            return CommunityMapping(list: entries, ids: known, corrections: corrections)
        }
        cached.withLock { $0 = (version, mapping) }
        return mapping
    }

    /// The mapping as Kometa's `anime_ids.json` (1.4 MB for the whole files), written once per version.
    public func kometaExport() async throws -> [UInt8]? {
        let version = try await version()
        if let cached = cachedExport.withLock({ $0 }), cached.version == version { return cached.json }
        let mapping = try await mapping()
        guard !mapping.isEmpty else { return nil }
        let json = await offThread { KometaIDsExport.json(mapping) }
        cachedExport.withLock { $0 = (version, json) }
        return json
    }

    /// Keeps an admin's correction here and shares it with the other instances of a cluster.
    public func correct(_ correction: MappingCorrection, now: Double) async throws {
        try await store.saveMappingCorrection(correction, now: now)
        try await ledger.shareMappingCorrection(aid: correction.aid, correction: correction, changedAt: now)
    }

    /// Removes `aid`'s correction here and in the cluster; false when it had none.
    public func removeCorrection(aid: Int, now: Double) async throws -> Bool {
        guard try await store.removeMappingCorrection(aid: aid, now: now) else { return false }
        try await ledger.shareMappingCorrection(aid: aid, correction: nil, changedAt: now)
        return true
    }

    /// Takes the corrections other instances made (or removed) since this one's: true when any changed here.
    @discardableResult
    public func pullSharedCorrections() async throws -> Bool {
        let shared = try await ledger.sharedMappingCorrections()
        guard !shared.isEmpty else { return false }
        let local = try await store.mappingCorrectionTimes()
        var changed = false
        for entry in shared {
            if let correction = entry.correction {
                guard entry.changedAt > (local[entry.aid] ?? 0) else { continue }
                try await store.saveMappingCorrection(correction, now: entry.changedAt)
                changed = true
            } else if let kept = local[entry.aid], kept < entry.changedAt {
                changed = try await store.removeMappingCorrection(aid: entry.aid, now: entry.changedAt) || changed
            }
        }
        return changed
    }
}
