import Foundation
public import GRDB

/// A file the matcher (or a person) placed: the light row the library grid is built from.
public struct PlacedFile: Sendable, Equatable {
    public var fileId: Int64
    public var aid: Int
    /// AniDB's episode number; nil for a movie's single part.
    public var episode: String?
    public var firstSeenAt: Double
    public var offline: Bool
}

extension LibraryIndex {
    /// Every applied match, without paths or parsed names: read for 10,000 files on every visit to the library.
    public func placedFiles() throws -> [PlacedFile] {
        try writer.read { db in
            let rows = try Row.fetchCursor(
                db,
                sql: """
                    SELECT fileId, aid, fileMatch.episode, firstSeenAt, offline FROM fileMatch
                    JOIN libraryFile ON libraryFile.id = fileId WHERE applied AND aid IS NOT NULL
                    """
            )
            var files: [PlacedFile] = []
            while let row = try rows.next() {
                files.append(
                    PlacedFile(
                        fileId: row["fileId"],
                        aid: row["aid"],
                        episode: row["episode"],
                        firstSeenAt: row["firstSeenAt"],
                        offline: row["offline"]
                    )
                )
            }
            return files
        }
    }

    /// The files placed in `aid`, each with its match (for the series page), in path order.
    public func files(aid: Int) throws -> [(file: LibraryFile, match: FileMatch)] {
        try writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT libraryFile.*, fileMatch.aid, fileMatch.episode AS matchedEpisode, fileMatch.confidence,
                        fileMatch.source, fileMatch.applied, fileMatch.candidates, fileMatch.note, fileMatch.method,
                        fileMatch.numbering
                    FROM fileMatch JOIN libraryFile ON libraryFile.id = fileId
                    WHERE applied AND fileMatch.aid = ? ORDER BY path
                    """,
                arguments: [aid]
            ).map { row in
                let match = Self.match(row, fileIdColumn: "id", episodeColumn: "matchedEpisode")
                return (Self.file(row), match)
            }
        }
    }

    /// Where one file was placed: its anime and episode, nil when no match counts.
    public func placement(fileId: Int64) throws -> (aid: Int, episode: String?)? {
        try writer.read { db in
            try Row.fetchOne(
                db,
                sql: "SELECT aid, episode FROM fileMatch WHERE fileId = ? AND applied AND aid IS NOT NULL",
                arguments: [fileId]
            ).map { (aid: $0["aid"], episode: $0["episode"]) }
        }
    }
}
