public import Logging

/// The AniDB mirror: parsing, storing, importing and querying AniDB anime documents.
public enum Mirror {
    /// What can go wrong with one document: the parsing stage's own error, turned into an HTTP answer only at the edge.
    public struct DocumentError: Swift.Error, Sendable, Equatable, CustomStringConvertible {
        public enum Reason: Sendable, Equatable {
            /// AniDB answered with an `<error>` body instead of a document: its `code` attribute and its text.
            case errorBody(code: Int?, message: String)
            case malformed(String)
            case notAnAnimeDocument(root: String)
            case missingID
            case idMismatch(expected: Int, found: Int)
            case tooLarge(bytes: Int, limit: Int)
            case doctypeNotAllowed
            case empty
        }

        public var reason: Reason

        public init(_ reason: Reason) { self.reason = reason }

        public var description: String {
            switch reason {
            case .errorBody(let code, let message): "AniDB error\(code.map { " \($0)" } ?? ""): \(message)"
            case .malformed(let message): "malformed XML: \(message)"
            case .notAnAnimeDocument(let root): "not an AniDB anime document (root element <\(root)>)"
            case .missingID: "the <anime> element has no valid id attribute"
            case .idMismatch(let expected, let found): "document is for aid \(found), expected aid \(expected)"
            case .tooLarge(let bytes, let limit): "file is \(bytes) bytes, more than the \(limit)-byte limit"
            case .doctypeNotAllowed: "documents with a DOCTYPE are refused"
            case .empty: "file is empty"
            }
        }

        public var level: Logger.Level { .warning }
    }
}
