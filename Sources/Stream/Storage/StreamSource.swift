/// A library file to stream, as the app hands it over: the stream module never reads the library's tables.
public struct StreamSource: Sendable, Hashable {
    public var fileId: Int64
    public var path: String
    public var size: Int
    public var modifiedAt: Double

    public init(fileId: Int64, path: String, size: Int, modifiedAt: Double) {
        self.fileId = fileId
        self.path = path
        self.size = size
        self.modifiedAt = modifiedAt
    }

    /// Names this version of the file: segments of a file that changed are never served again.
    var cacheKey: String { "\(fileId)-\(size)-\(Int64((modifiedAt * 1000).rounded()))" }
}
