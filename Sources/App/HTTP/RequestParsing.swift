import Foundation
import HTTPTypes
import Hummingbird

/// Strict parsing of path and query values, so bad input gets a clear 400 instead of a guess.
enum RequestParsing {
    /// AniDB aids are small positive integers (under 20,000 in 2026); anything past this is refused outright.
    static let maxAID = 10_000_000

    static func aid(_ text: String?) throws -> Int {
        guard let text, !text.isEmpty else { throw APIError.badRequest("Invalid AID. Must be a positive integer.") }
        guard text.count <= 12, text.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), let value = Int(text), value > 0 else {
            throw APIError.badRequest("Invalid AID. Must be a positive integer.")
        }
        guard value <= maxAID else { throw APIError.badRequest("Invalid AID. Must be at most \(maxAID).") }
        return value
    }

    /// A library file id: a positive 64-bit integer.
    static func fileID(_ text: String?) throws -> Int64 {
        guard let text, text.count <= 19, let value = Int64(text), value > 0 else {
            throw APIError.badRequest("The file id must be a positive integer.")
        }
        return value
    }

    static func tagID(_ text: String?) throws -> Int {
        guard let text, text.count <= 12, let value = Int(text), value > 0 else {
            throw APIError.badRequest("Invalid tag_id. Must be a positive integer.")
        }
        return value
    }

    static func positiveInt(
        _ text: String?,
        name: String,
        default defaultValue: Int,
        range: ClosedRange<Int>
    ) throws -> Int {
        guard let text else { return defaultValue }
        guard text.count <= 12, let value = Int(text), range.contains(value) else {
            throw APIError.badRequest("\(name) must be an integer from \(range.lowerBound) to \(range.upperBound).")
        }
        return value
    }

    /// FastAPI's boolean spellings, which Kometa and scripts written against AniDB-Service use.
    static func bool(_ text: String?, name: String) throws -> Bool {
        guard let text else { return false }
        switch text.lowercased() {
        case "true", "1", "yes", "on": return true
        case "false", "0", "no", "off": return false
        default: throw APIError.badRequest("\(name) must be true or false.")
        }
    }
}

extension RequestParsing {
    /// A small JSON body (at most `limitKiB`) decoded as `T`; larger is 413, anything else is 400 with `hint`.
    static func json<T: Decodable>(_ request: Request, _ hint: String, limitKiB: Int = 16) async throws -> T {
        let buffer: ByteBuffer
        do { buffer = try await request.body.collect(upTo: limitKiB << 10) } catch {
            throw APIError(status: .contentTooLarge, message: "The body is larger than \(limitKiB) KiB.")
        }
        guard let value = try? JSONDecoder().decode(T.self, from: Data(buffer.readableBytesView)) else {
            throw APIError.badRequest(hint)
        }
        return value
    }
}
