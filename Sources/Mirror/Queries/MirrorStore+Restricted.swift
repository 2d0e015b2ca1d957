import Foundation
internal import GRDB

extension MirrorStore {
    /// Anime AniDB marks 18+: restricted, or carrying an adult tag. Those known only from the titles dump cannot be
    /// told and are not in it.
    public func restrictedAids() async throws -> Set<Int> {
        try await writer.readOffCooperativePool { db in
            Set(try Int.fetchAll(db, sql: "SELECT id FROM anime WHERE isRestricted OR isAdult"))
        }
    }
}
