import Crypto
public import Foundation

/// Signed, expiring tokens that go in HLS URLs (`/hls/{token}/{fileId}/…`), so a player fetching playlists
/// and segments needs no headers: the token names the file it opens and when it stops working.
public struct StreamTokens: Sendable {
    let key: SymmetricKey
    /// How long a token works, in seconds.
    public let lifetime: Double

    public init(secret: Data, lifetime: Double) {
        key = SymmetricKey(data: secret)
        self.lifetime = lifetime
    }

    /// `<expiry, seconds since 1970>-<user id>-<HMAC-SHA256 of "fileId:userId:expiry", first 16 bytes, hex>`.
    /// The user is the one who asked for the stream: the server stops honouring the link when that user is gone.
    public func make(fileId: Int64, userId: Int64, now: Date) -> String {
        let expiry = Int64(now.timeIntervalSince1970 + lifetime)
        return "\(expiry)-\(userId)-\(signature(fileId: fileId, userId: userId, expiry: expiry))"
    }

    /// The user the token was made for, when it was made here for this file and has not expired.
    public func verify(_ token: String, fileId: Int64, now: Date) -> Int64? {
        let parts = token.split(separator: "-", omittingEmptySubsequences: false)
        guard token.utf8.count <= 80, parts.count == 3, let expiry = Int64(parts[0]), let userId = Int64(parts[1]),
            userId >= 0, parts[2].utf8.count == 32
        else {
            return nil
        }
        guard Double(expiry) > now.timeIntervalSince1970 else { return nil }
        let expected = Array(signature(fileId: fileId, userId: userId, expiry: expiry).utf8)
        let given = Array(parts[2].utf8)
        // Constant time: a wrong token takes as long whichever byte is wrong.
        var difference: UInt8 = 0
        for (left, right) in zip(expected, given) { difference |= left ^ right }
        return difference == 0 ? userId : nil
    }

    private func signature(fileId: Int64, userId: Int64, expiry: Int64) -> String {
        let mac = HMAC<SHA256>.authenticationCode(for: Data("\(fileId):\(userId):\(expiry)".utf8), using: key)
        return Data(mac).prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
