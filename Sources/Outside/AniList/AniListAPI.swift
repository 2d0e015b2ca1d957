/// AniList's GraphQL API as list sync uses it: who a token belongs to, and saving an anime's progress on that
/// user's list. The live client is `AniListClient`; tests use a stand-in server written from AniList's documentation.
public protocol AniListAPI: Sendable {
    /// The account a token belongs to (the `Viewer` query). A refused token is `OutsideError.Kind.refusedKey`.
    func viewer(token: String) async throws(OutsideError) -> ListAccount
    /// Saves an anime's progress and status on the token's list (`SaveMediaListEntry`).
    func save(token: String, mediaId: Int, progress: Int, status: ListStatus) async throws(OutsideError)
}

/// A user on a list service.
public struct ListAccount: Sendable, Equatable {
    public var id: Int
    public var name: String

    public init(id: Int, name: String) {
        self.id = id
        self.name = name
    }
}

/// Where an anime stands on a list: being watched, or done.
public enum ListStatus: String, Sendable, Codable {
    case current
    case completed

    /// AniList's `MediaListStatus`.
    public var aniList: String { self == .current ? "CURRENT" : "COMPLETED" }
}
