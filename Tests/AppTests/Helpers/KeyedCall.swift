import Foundation
import HTTPTypes
import HummingbirdTesting
import Library
import NIOCore

@testable import App

/// A request with an API key over the test client: its status, its body as a JSON object (empty when it is not one)
/// and as text.
func keyedCall(
    _ client: some TestClientProtocol,
    _ uri: String,
    _ key: String,
    method: HTTPRequest.Method = .get,
    body: String? = nil
) async throws -> (status: HTTPResponse.Status, json: [String: Any], text: String) {
    try await client.execute(uri: uri, method: method, headers: TestAccounts.bearer(key), body: body.map { ByteBuffer(string: $0) }) {
        let text = String(buffer: $0.body)
        return ($0.status, (try? JSONSerialization.jsonObject(with: Data(text.utf8))) as? [String: Any] ?? [:], text)
    }
}

/// Library files made on disk, scanned, and matched by hand (as overrides, so the matching that runs when the
/// mapping arrives keeps them): `files` are (folder, file name, aid, episode); the answer maps "aid-episode" to ids.
enum MatchedLibrary {
    static func make(_ database: AppDatabase, _ files: [(String, String, Int, String)]) throws -> [String: Int64] {
        let media = NSTemporaryDirectory() + "anikura-matched-" + UUID().uuidString
        var wanted: [String: (Int, String)] = [:]
        for (folder, name, aid, episode) in files {
            try FileManager.default.createDirectory(atPath: media + "/" + folder, withIntermediateDirectories: true)
            try Data("\(name) \(UUID())".utf8).write(to: URL(fileURLWithPath: media + "/" + folder + "/" + name))
            wanted[name] = (aid, episode)
        }
        let index = LibraryIndex(writer: database.writer)
        _ = try LibraryScanner(index: index, roots: [media]).scan()
        var ids: [String: Int64] = [:]
        let matches = try index.files().compactMap { file -> FileMatch? in
            guard let (aid, episode) = wanted[(file.path as NSString).lastPathComponent] else { return nil }
            ids["\(aid)-\(episode)"] = file.id
            return FileMatch(
                fileId: file.id,
                path: file.path,
                aid: aid,
                episode: episode,
                confidence: 1,
                source: .file,
                applied: true,
                candidates: [],
                note: nil
            )
        }
        try index.saveMatches(matches, replaceAll: true, now: 0)
        for match in matches { _ = try index.setFileOverride(fileId: match.fileId, aid: match.aid ?? 0, episode: match.episode, now: 0) }
        // As the matcher does when it is done: no matching is left to resume when the server starts.
        try index.finishedMatching(startedAt: Date().timeIntervalSince1970 + 1)
        return ids
    }
}
