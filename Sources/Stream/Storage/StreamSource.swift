/// A library file to stream, as the app hands it over: the stream module never reads the library's tables.
public struct StreamSource: Sendable, Hashable {
    public var fileId: Int64
    public var path: String
    public var size: Int
    public var modifiedAt: Double
    /// The media folder the file is in: calls into one folder share its `MountGuard` slots.
    public var folder: String

    public init(fileId: Int64, path: String, size: Int, modifiedAt: Double, folder: String = "") {
        self.fileId = fileId
        self.path = path
        self.size = size
        self.modifiedAt = modifiedAt
        self.folder = folder
    }

    /// Names this version of the file: segments of a file that changed are never served again.
    var cacheKey: String { "\(fileId)-\(size)-\(Int64((modifiedAt * 1000).rounded()))" }
}
