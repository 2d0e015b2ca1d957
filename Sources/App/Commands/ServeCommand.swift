import ArgumentParser
import HTTPTypes
import Hummingbird
import Logging
import NIOCore

#if canImport(Glibc)
import Glibc
#endif

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "serve", abstract: "Run the HTTP server.")

    @OptionGroup var options: ConfigOptions

    func run() async throws {
        let configuration = try CommandFailure.wrap { try options.load() }
        var logger = Logger(label: "anikura") { ConsoleLogHandler(label: $0) }
        logger.logLevel = .info
        ConnectionLimits.raiseFileLimit()
        let app = try await CommandFailure.wrapAsync {
            do {
                return try await buildApplication(configuration: configuration, logger: logger)
            } catch {
                throw StorageFailure.explain(error, dataDir: configuration.dataDir)
            }
        }
        // Armed only now: a signal during start-up still stops the process the usual way.
        let deadline = StopDeadline(seconds: configuration.server.stopTimeoutSeconds, logger: logger)
        defer { withExtendedLifetime(deadline) {} }
        // Hummingbird logs "listening on" once the socket is bound; a bind that fails ends here in one line.
        do {
            try await app.runService()
        } catch let error as IOError where [EADDRINUSE, EADDRNOTAVAIL, EACCES].contains(error.errnoCode) {
            let reason = error.errnoCode == EADDRINUSE ? "another program is already listening there" : String(cString: strerror(error.errnoCode))
            FileHandleStderr.write(
                "anikura: cannot listen on \(configuration.server.host):\(configuration.server.port) (server.bind): \(reason)\n"
            )
            throw ExitCode.failure
        }
    }
}

/// Turns any error into one line on standard error and a non-zero exit.
enum CommandFailure {
    static func wrap<T>(_ body: () throws -> T) throws -> T {
        do { return try body() } catch let error as ExitCode { throw error } catch {
            FileHandleStderr.write("anikura: \(error)\n")
            throw ExitCode.failure
        }
    }

    static func wrapAsync<T>(_ body: () async throws -> T) async throws -> T {
        do { return try await body() } catch let error as ExitCode { throw error } catch {
            FileHandleStderr.write("anikura: \(error)\n")
            throw ExitCode.failure
        }
    }
}
