import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A TCP socket bound to a free port on 127.0.0.1: listening (connections queue and are never answered, or the
/// port is simply taken), or closed at once to hand out a free port.
struct LocalListener {
    let fd: Int32
    let port: Int

    init(listening: Bool = true) {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = fd
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
        }
        precondition(bound && (!listening || listen(fd, 16) == 0), "cannot bind a local socket")
        port = Int(UInt16(bigEndian: address.sin_port))
    }

    func close() { _ = Glibc.close(fd) }

    /// A port nothing listens on now.
    static func freePort() -> Int {
        let listener = LocalListener(listening: false)
        defer { listener.close() }
        return listener.port
    }
}
