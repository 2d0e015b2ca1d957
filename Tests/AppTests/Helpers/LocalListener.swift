import Foundation
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket bound to a free port on 127.0.0.1: listening (connections queue and are never answered, or the
/// port is simply taken), or closed at once to hand out a free port.
struct LocalListener {
    let fd: Int32
    let port: Int

    init(listening: Bool = true) {
        let listener = Self.bound(port: 0)
        precondition(listener != nil && (!listening || listen(listener!.fd, 16) == 0), "cannot bind a local socket")
        self = listener!
    }

    private init(fd: Int32, port: Int) {
        self.fd = fd
        self.port = port
    }

    /// A socket bound to 127.0.0.1:`port` (0: any free port), or nil when that port is taken.
    private static func bound(port: Int) -> LocalListener? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = UInt16(port).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        guard ok else {
            _ = Glibc.close(fd)
            return nil
        }
        return LocalListener(fd: fd, port: Int(UInt16(bigEndian: address.sin_port)))
    }

    func close() { _ = Glibc.close(fd) }

    /// Ports already handed out by `freePort()` in this process.
    private static let handedOut = Mutex<Set<Int>>([])

    /// A port nothing listens on now, that stays free for whoever asked for it: taken from below the kernel's
    /// ephemeral range (32768 and up), so neither another test's listener on port 0 nor an outgoing connection
    /// can be given it before the asker binds it, and never handed out twice.
    static func freePort() -> Int {
        for _ in 0..<1_000 {
            let port = Int.random(in: 20_000..<32_000)
            guard handedOut.withLock({ $0.insert(port).inserted }), let listener = bound(port: port) else { continue }
            listener.close()
            return port
        }
        preconditionFailure("no free port between 20000 and 32000")
    }
}
