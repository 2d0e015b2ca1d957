/// What the seed import last saw of one file (or one zip entry, as `archive.zip!entry.xml`).
public struct SeedFileState: Sendable, Equatable {
    public var path: String
    public var size: Int
    public var modifiedAt: Double
    public var aid: Int?

    public init(path: String, size: Int, modifiedAt: Double, aid: Int?) {
        self.path = path
        self.size = size
        self.modifiedAt = modifiedAt
        self.aid = aid
    }
}
