public import GRDB
public import Numbering

/// What the mirror knows of one community file's last download.
public struct MappingFileState: Sendable, Equatable, Codable, FetchableRecord, PersistableRecord {
    public static let databaseTableName = "mappingFile"

    public var name: String
    /// The validators of the copy kept, for the next conditional GET.
    public var etag: String?
    public var lastModified: String?
    /// When the copy kept was downloaded (or confirmed unchanged by a 304), or imported.
    public var fetchedAt: Double?
    /// The last download attempt, whatever came of it.
    public var attemptedAt: Double?
    public var entries: Int?
    /// Why the last attempt kept the old copy; nil after a good one.
    public var error: String?
    public var errorAt: Double?

    public init(name: String) { self.name = name }
}

/// An admin's correction as stored.
struct MappingCorrectionRecord: Codable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "mappingCorrection"

    var animeId: Int
    var tvdbId: Int?
    var tvdbSeason: Int?
    var tvdbOffset: Int?
    var tmdbTv: Int?
    var tmdbSeason: Int?
    var tmdbOffset: Int?
    var changedAt: Double

    init(_ correction: MappingCorrection, changedAt: Double) {
        animeId = correction.aid
        tvdbId = correction.tvdbID
        tvdbSeason = correction.tvdbSeason
        tvdbOffset = correction.tvdbOffset
        tmdbTv = correction.tmdbTV
        tmdbSeason = correction.tmdbSeason
        tmdbOffset = correction.tmdbOffset
        self.changedAt = changedAt
    }

    var correction: MappingCorrection {
        MappingCorrection(
            aid: animeId,
            tvdbID: tvdbId,
            tvdbSeason: tvdbSeason,
            tvdbOffset: tvdbOffset,
            tmdbTV: tmdbTv,
            tmdbSeason: tmdbSeason,
            tmdbOffset: tmdbOffset
        )
    }
}

extension MirrorStore {
    public func mappingFileState(_ kind: MappingFileKind) async throws -> MappingFileState {
        try await writer.read { db in try MappingFileState.fetchOne(db, key: kind.rawValue) } ?? MappingFileState(name: kind.rawValue)
    }

    public func saveMappingFileState(_ state: MappingFileState) async throws {
        try await writer.write { db in try state.save(db) }
    }

    public func mappingCorrections() async throws -> [MappingCorrection] {
        try await writer.read { db in try MappingCorrectionRecord.order(Column("animeId")).fetchAll(db).map(\.correction) }
    }

    /// The corrections and when the last one changed: part of the matcher's catalog version.
    public func mappingCorrectionsVersion() async throws -> String {
        try await writer.read { db in
            let row = try Row.fetchOne(db, sql: "SELECT count(*) AS count, max(changedAt) AS changed FROM mappingCorrection")
            return "\(row?["count"] as Int? ?? 0)/\(row?["changed"] as Double? ?? 0)"
        }
    }

    /// When each correction last changed, by aid.
    public func mappingCorrectionTimes() async throws -> [Int: Double] {
        try await writer.read { db in
            Dictionary(uniqueKeysWithValues: try MappingCorrectionRecord.fetchAll(db).map { ($0.animeId, $0.changedAt) })
        }
    }

    public func saveMappingCorrection(_ correction: MappingCorrection, now: Double) async throws {
        try await writer.write { db in try MappingCorrectionRecord(correction, changedAt: now).save(db) }
    }

    /// Removes `aid`'s correction; false when it had none.
    public func removeMappingCorrection(aid: Int, now: Double) async throws -> Bool {
        try await writer.write { db in try MappingCorrectionRecord.deleteOne(db, key: aid) }
    }
}
