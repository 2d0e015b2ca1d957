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
}
