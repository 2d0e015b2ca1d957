import ArgumentParser
import Foundation
import Library

/// `anikura scan`: brings the library index up to date with `library.media_dirs`, showing progress on a terminal.
struct ScanCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "scan",
        abstract: "Scan library.media_dirs for video files and update the library index."
    )

    @OptionGroup var options: ConfigOptions
    @Flag(help: "List every skipped file with its reason.") var verbose = false

    func run() throws {
        let report = try CommandFailure.wrap {
            let configuration = try options.load()
            guard !configuration.mediaDirs.isEmpty else {
                throw ValidationError("library.media_dirs is empty: nothing to scan")
            }
            let database = try AppDatabase.open(path: configuration.databasePath)
            let scanner = LibraryScanner(index: LibraryIndex(writer: database.writer), roots: configuration.mediaDirs)
            let terminal = FileHandleStderr.isTerminal
            return try scanner.scan { progress in
                guard terminal else { return }
                switch progress.phase {
                case .walking: FileHandleStderr.write("\r\u{1B}[Kfound \(progress.done) videos…")
                case .indexing:
                    FileHandleStderr.write("\r\u{1B}[Kindexing \(progress.done)/\(progress.total) new or moved videos…")
                }
            }
        }
        if FileHandleStderr.isTerminal { FileHandleStderr.write("\r\u{1B}[K") }
        for problem in report.problems.prefix(verbose ? Int.max : 20) {
            FileHandleStderr.write("skipped \(problem.path): \(problem.reason)\n")
        }
        if !verbose && report.problems.count > 20 {
            FileHandleStderr.write("… and \(report.problems.count - 20) more (--verbose lists them all)\n")
        }
        print(report.summary)
    }
}
