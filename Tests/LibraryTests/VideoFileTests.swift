import Library
import Testing

@Suite("video file candidates")
struct VideoFileTests {
    @Test(
        "videos are recognised by extension, hidden and partial files are not",
        arguments: [
            ("[SubsPlease] Frieren - 01 (1080p) [ABCD1234].mkv", true), ("Movie.MP4", true), ("show.m2ts", true),
            ("episode.ogm", true), ("cover.jpg", false), ("subs.ass", false), (".hidden.mkv", false),
            ("download.mkv.part", false), ("torrent.mkv.!qB", false), ("browser.mp4.crdownload", false),
            ("noextension", false), ("trailing.", false),
        ]
    )
    func candidates(name: String, expected: Bool) {
        #expect(VideoFile.isCandidate(fileName: name) == expected)
    }
}
