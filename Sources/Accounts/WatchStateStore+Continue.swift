import GRDB

extension WatchStateStore {
    /// "Continue watching": episodes in progress, and the next episode on disk of each anime whose most recently
    /// watched episode is done (and that has nothing in progress), newest first.
    public func continueWatching(userId: Int64, limit: Int = 50) throws -> [ContinueEntry] {
        try writer.read { db in
            let rows = try Row.fetchAll(
                db,
                sql: "SELECT * FROM watchState WHERE userId = ? ORDER BY updatedAt DESC LIMIT 5000",
                arguments: [userId]
            )
            let states = rows.map { (key: $0["itemKey"] as String, progress: Self.progress($0)) }
            let watchedKeys = Set(states.filter(\.progress.watched).map(\.key))
            var entries: [ContinueEntry] = []
            var handledAnime = Set<Int>()
            // In progress first, so that an anime with an episode under way gets no "next up" as well.
            for (_, state) in states where !state.watched && state.position > 0 {
                guard let file = try Self.playableFile(for: state, db) else { continue }
                if let aid = state.aid { handledAnime.insert(aid) }
                entries.append(Self.entry(.resume, file, state))
            }
            for (_, state) in states where state.watched {
                guard let aid = state.aid, let episode = state.episode.flatMap(Int.init), !handledAnime.contains(aid) else {
                    continue
                }
                handledAnime.insert(aid)
                let next = try Self.regularEpisodes(aid: aid, db).first { candidate in
                    candidate.episode > episode && !watchedKeys.contains("anime:\(aid):\(candidate.episode)")
                }
                guard let next else { continue }
                var entry = Self.entry(.next, next.file, state)
                entry.episode = String(next.episode)
                entry.position = 0
                entry.duration = 0
                entries.append(entry)
            }
            return Array(entries.sorted { $0.updatedAt > $1.updatedAt }.prefix(limit))
        }
    }

    struct DiskFile {
        var id: Int64
        var title: String?
    }

    static func entry(_ kind: ContinueEntry.Kind, _ file: DiskFile, _ state: WatchProgress) -> ContinueEntry {
        ContinueEntry(
            kind: kind,
            fileId: file.id,
            aid: state.aid,
            episode: state.episode,
            title: file.title,
            position: state.position,
            duration: state.duration,
            updatedAt: state.updatedAt
        )
    }

    /// The file last played if it is still in the library, else another release of the same episode.
    static func playableFile(for state: WatchProgress, _ db: Database) throws -> DiskFile? {
        if let row = try Row.fetchOne(db, sql: "SELECT id, title FROM libraryFile WHERE id = ?", arguments: [state.fileId]) {
            return DiskFile(id: row["id"], title: row["title"])
        }
        guard let aid = state.aid, let episode = state.episode else { return nil }
        return try Row.fetchOne(
            db,
            sql: """
                SELECT f.id, f.title FROM libraryFile f JOIN fileMatch m ON m.fileId = f.id
                WHERE m.applied AND m.aid = ? AND m.episode = ? ORDER BY f.offline, f.id DESC LIMIT 1
                """,
            arguments: [aid, episode]
        ).map { DiskFile(id: $0["id"], title: $0["title"]) }
    }

    /// An anime's regular (numbered) episodes on disk, in order, one file each (an online one first).
    static func regularEpisodes(aid: Int, _ db: Database) throws -> [(episode: Int, file: DiskFile)] {
        let rows = try Row.fetchAll(
            db,
            sql: """
                SELECT f.id, f.title, m.episode FROM libraryFile f JOIN fileMatch m ON m.fileId = f.id
                WHERE m.applied AND m.aid = ? ORDER BY f.offline, f.id
                """,
            arguments: [aid]
        )
        var byEpisode: [Int: DiskFile] = [:]
        for row in rows {
            guard let text: String = row["episode"], let number = Int(text), byEpisode[number] == nil else { continue }
            byEpisode[number] = DiskFile(id: row["id"], title: row["title"])
        }
        return byEpisode.keys.sorted().map { ($0, byEpisode[$0]!) }
    }
}
