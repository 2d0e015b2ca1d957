internal import GRDB

extension MirrorStore {
    /// Replaces the titles from the dump with `anime`, in one transaction.
    func replaceDumpTitles(_ anime: [DumpedAnime]) async throws {
        try await writer.write { db in
            try db.execute(sql: "DELETE FROM dumpTitle")
            let insert = try db.cachedStatement(
                sql: """
                    INSERT INTO dumpTitle (animeId, position, language, type, text, normalized)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """
            )
            for entry in anime {
                for (position, title) in entry.titles.enumerated() {
                    try StatementBinder.run(insert) {
                        $0.bind(entry.aid)
                        $0.bind(position)
                        $0.bind(title.language)
                        $0.bind(title.type)
                        $0.bind(title.text)
                        $0.bind(TitleNormalizer.normalize(title.text))
                    }
                }
            }
        }
    }
}
