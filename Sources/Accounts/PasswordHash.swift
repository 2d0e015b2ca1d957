import Crypto
import Foundation
import HummingbirdBcrypt

/// How passwords are kept: bcrypt of the password's SHA-256 (as base64), marked `sha256-bcrypt$`. bcrypt alone
/// reads only the first 72 bytes and stops at a NUL; the digest makes every byte count. Hashes made before this
/// (plain bcrypt) are still checked, and replaced at the user's next sign-in.
enum PasswordHash {
    static let prefix = "sha256-bcrypt$"

    static func make(_ password: String, cost: UInt8) -> String {
        prefix + Bcrypt.hash(digest(password), cost: cost)
    }

    /// Whether `password` is the one `stored` was made from, and whether `stored` is of the older kind.
    static func verify(_ password: String, stored: String) -> (matches: Bool, outdated: Bool) {
        if stored.hasPrefix(prefix) { return (Bcrypt.verify(digest(password), hash: String(stored.dropFirst(prefix.count))), false) }
        // An older hash: plain bcrypt saw at most 72 bytes, none of them a NUL (such passwords are refused now).
        return (Bcrypt.verify(password, hash: stored), true)
    }

    /// 44 base64 characters: under bcrypt's 72 bytes, and never a NUL.
    static func digest(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    /// Control characters (NUL, tab, line breaks, …) are refused: they cannot be typed in a sign-in form, and NUL
    /// ends a password in older tools.
    static func hasControlCharacters(_ password: String) -> Bool {
        password.unicodeScalars.contains { $0.properties.generalCategory == .control }
    }
}
