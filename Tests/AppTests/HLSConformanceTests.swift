import Foundation
import Hummingbird
import HummingbirdTesting
import TestMedia
import Testing

@testable import App

/// Our playlists and segments against the rules native players hold them to: RFC 8216 and Apple's HLS authoring
/// specification (the parts that apply to VOD with MPEG-TS segments and WebVTT subtitles). Safari is not available
/// here; these are the checks Apple's `mediastreamvalidator` makes that can be made with ffprobe.
@Suite("HLS conformance")
struct HLSConformanceTests {
    /// `KEY=value,KEY="quoted, value"` → dictionary.
    static func attributes(_ line: Substring) -> [String: String] {
        var result: [String: String] = [:]
        var rest = line[(line.firstIndex(of: ":").map { line.index(after: $0) } ?? line.startIndex)...]
        while !rest.isEmpty {
            guard let equals = rest.firstIndex(of: "=") else { break }
            let key = String(rest[..<equals])
            rest = rest[rest.index(after: equals)...]
            var value: Substring
            if rest.first == "\"" {
                let close = rest.dropFirst().firstIndex(of: "\"") ?? rest.endIndex
                value = rest[rest.index(after: rest.startIndex)..<close]
                rest = close < rest.endIndex ? rest[rest.index(after: close)...] : ""
            } else {
                let comma = rest.firstIndex(of: ",") ?? rest.endIndex
                value = rest[..<comma]
                rest = rest[comma...]
            }
            if rest.first == "," { rest = rest.dropFirst() }
            result[key] = String(value)
        }
        return result
    }

    /// First packet's (pts seconds, keyframe) of each stream in a segment.
    static func firstPacket(_ path: String) async -> (pts: Double, key: Bool)? {
        let packets = await MediaFixtures.packets(path)
        return packets.first.map { ($0.pts, $0.key) }
    }

    @Test("master and media playlists, TS and WebVTT segments of a remuxed and a transcoded file follow RFC 8216 and Apple's rules")
    func conformance() async throws {
        let folder = try await StreamAPITests.mediaFolder()
        try FileManager.default.copyItem(atPath: await MediaFixtures.dualAudio, toPath: folder + "/Show/[Grp] Show - 03 [dual audio].mkv")
        let app = try await TestApp.build(environment: ["ANIKURA_LIBRARY_MEDIA_DIRS": folder])
        try await app.test(.live) { client in
            let files = try await StreamAPITests.library(client)
            for name in ["[Grp] Show - 03 [dual audio].mkv", StreamAPITests.hevcName] {
                let ticket = try await StreamAPITests.ticket(client, try #require(files[name]))
                let url = try #require(ticket["url"] as? String)
                let base = String(url.dropLast("master.m3u8".count))
                let master = try await StreamAPITests.get(client, url)
                let lines = master.split(separator: "\n")
                // RFC 8216 4.3.1.1, 4.3.1.2; Apple 1.x: independent segments declared for all-keyframe-start segments.
                #expect(lines.first == "#EXTM3U" && lines.filter { $0.hasPrefix("#EXT-X-VERSION:") }.count == 1, "\(name)")
                #expect(lines.contains("#EXT-X-INDEPENDENT-SEGMENTS"), "\(name)")
                let media = lines.filter { $0.hasPrefix("#EXT-X-MEDIA:") }.map(Self.attributes)
                let variants = lines.enumerated().filter { $0.element.hasPrefix("#EXT-X-STREAM-INF:") }
                    .map { (Self.attributes($0.element), String(lines[$0.offset + 1])) }
                #expect(!variants.isEmpty)
                // RFC 8216 4.3.4.1: TYPE, GROUP-ID and NAME; one DEFAULT per group, which is also AUTOSELECT; unique names.
                for group in Set(media.compactMap { $0["GROUP-ID"] }) {
                    let members = media.filter { $0["GROUP-ID"] == group }
                    #expect(members.filter { $0["DEFAULT"] == "YES" }.count <= 1, "\(name) \(group)")
                    #expect(Set(members.compactMap { $0["NAME"] }).count == members.count, "\(name) \(group)")
                    #expect(members.allSatisfy { $0["DEFAULT"] != "YES" || $0["AUTOSELECT"] == "YES" })
                }
                for rendition in media {
                    #expect(rendition["TYPE"] != nil && rendition["NAME"] != nil && rendition["URI"] != nil, "\(rendition)")
                    // Apple: CHANNELS on every audio rendition; LANGUAGE where known.
                    if rendition["TYPE"] == "AUDIO" { #expect(rendition["CHANNELS"] != nil && rendition["LANGUAGE"] != nil) }
                }
                // RFC 8216 4.3.4.2 and Apple: BANDWIDTH, AVERAGE-BANDWIDTH, CODECS, RESOLUTION, FRAME-RATE on every
                // variant; the groups they name exist.
                for (attributes, _) in variants {
                    for key in ["BANDWIDTH", "AVERAGE-BANDWIDTH", "CODECS", "RESOLUTION", "FRAME-RATE"] {
                        #expect(attributes[key] != nil, "\(name): \(key) in \(attributes)")
                    }
                    #expect(Int(attributes["AVERAGE-BANDWIDTH"] ?? "") ?? .max <= Int(attributes["BANDWIDTH"] ?? "") ?? 0)
                    #expect(attributes["CODECS"]?.contains("avc1.") == true && attributes["CODECS"]?.contains("mp4a.40.") == true)
                    if let audio = attributes["AUDIO"] { #expect(media.contains { $0["GROUP-ID"] == audio && $0["TYPE"] == "AUDIO" }) }
                    if let subs = attributes["SUBTITLES"] { #expect(media.contains { $0["GROUP-ID"] == subs && $0["TYPE"] == "SUBTITLES" }) }
                }
                // Every media playlist: VOD, ends, EXTINF within the target duration (RFC 8216 4.3.3.1), and all of them
                // on one grid (Apple: renditions and variants segmented alike, so a player can switch at any boundary).
                var grids: [String: [Double]] = [:]
                for uri in variants.map(\.1) + media.compactMap({ $0["URI"] }) {
                    let playlist = try await StreamAPITests.get(client, base + uri)
                    let target = Int(playlist.split(separator: "\n").first { $0.hasPrefix("#EXT-X-TARGETDURATION:") }?.dropFirst(22) ?? "")
                    let durations = StreamAPITests.durations(playlist)
                    #expect(playlist.contains("#EXT-X-PLAYLIST-TYPE:VOD") && playlist.hasSuffix("#EXT-X-ENDLIST\n"), "\(uri)")
                    #expect(target != nil && durations.allSatisfy { Int($0.rounded()) <= target! }, "\(uri): \(playlist)")
                    grids[uri] = durations
                }
                let first = try #require(grids.values.first)
                #expect(grids.values.allSatisfy { $0 == first }, "\(name): \(grids)")
                // Segments: each video segment starts with a keyframe exactly on its playlist time, audio on the same
                // boundary; both begin with the stream tables (a PAT on PID 0); WebVTT maps its cues onto the TS clock.
                let starts = first.indices.map { first.prefix($0).reduce(0, +) }
                let video = variants[0].1.replacingOccurrences(of: "/index.m3u8", with: "")
                for index in [0, 1, first.count - 1] {
                    let temporary = NSTemporaryDirectory() + "anikura-conformance-\(UUID().uuidString).ts"
                    defer { try? FileManager.default.removeItem(atPath: temporary) }
                    for rendition in [video, "a0"] {
                        let bytes = try await client.execute(uri: base + "\(rendition)/\(index).ts", method: .get) { Data($0.bytes) }
                        // 188-byte packets; the PAT (PID 0) among the first three, before any media (libavformat puts
                        // its SDT, PID 0x11, first).
                        let pids = stride(from: 0, to: min(bytes.count, 188 * 3), by: 188).map {
                            (Int(bytes[$0 + 1] & 0x1F) << 8) | Int(bytes[$0 + 2])
                        }
                        #expect(bytes.count % 188 == 0 && bytes[0] == 0x47 && pids.contains(0), "\(rendition)/\(index).ts: \(pids)")
                        #expect(pids.prefix { $0 != 0 }.allSatisfy { $0 == 0x11 }, "nothing but the SDT before the PAT: \(pids)")
                        FileManager.default.createFile(atPath: temporary, contents: bytes)
                        let packet = try #require(await Self.firstPacket(temporary))
                        let expected = starts[index] + 10
                        if rendition == video {
                            #expect(packet.key, "\(name) \(rendition)/\(index).ts starts with a keyframe")
                            // The first segment starts on the file's first keyframe (0.023 s in this fixture, 0 for transcodes).
                            #expect(abs(packet.pts - expected) < (index == 0 ? 0.05 : 0.002), "\(rendition)/\(index): \(packet.pts)")
                        } else {
                            #expect(abs(packet.pts - expected) < 0.03, "\(rendition)/\(index): \(packet.pts) vs \(expected)")
                        }
                    }
                }
                if media.contains(where: { $0["TYPE"] == "SUBTITLES" }) {
                    let vtt = try await StreamAPITests.get(client, base + "s0/0.vtt")
                    #expect(vtt.hasPrefix("WEBVTT\nX-TIMESTAMP-MAP=MPEGTS:900000,LOCAL:00:00:00.000"), "\(vtt.prefix(80))")
                }
            }
        }
    }
}
