import CFFmpeg
import Foundation
import TestMedia
import Testing

@testable import Stream

#if canImport(Glibc)
import Glibc
#endif

/// A full disk is told from the error number of the write that failed, not from any message's wording.
@Suite("disk full while making segments")
struct DiskFullTests {
    @Test("libavformat writing a segment to /dev/full (every write ENOSPC) fails as diskFull, other errors as production")
    func remuxerWritesToFullDevice() async throws {
        let input = try LibAVInput(path: await MediaFixtures.h264, findStreamInfo: true)
        let video = try #require(input.videoStreamIndex)
        let error = #expect(throws: StreamError.self) {
            let muxer = try TSMuxer(path: "/dev/full", copying: input.stream(video))
            var written = 0
            try input.readPackets(keep: [video]) { (packet) throws(StreamError) -> Bool in
                try muxer.write(packet, from: input.stream(video).pointee.time_base, origin: 0)
                written += 1
                return written < 200
            }
            try muxer.finish()
        }
        #expect(error == .diskFull("/dev/full"), "\(String(describing: error))")
        #expect(StreamError.writing("/x", -EIO, "mpegts write") == .production("mpegts write: Input/output error"))
        #expect(DiskSpace.isOutOfSpace(POSIXError(.ENOSPC)) && DiskSpace.isOutOfSpace(CocoaError(.fileWriteOutOfSpace)))
        #expect(!DiskSpace.isOutOfSpace(POSIXError(.EACCES)))
        #expect(!DiskSpace.isNearlyFull(NSTemporaryDirectory() + "no/such/folder/0.ts"), "the nearest folder that exists is asked")
    }
}
