import ArgumentParser
import Foundation
import Library

/// `anikura parse [--json] NAME...`, and `anikura parse --json -`: one name a line in, one JSON object a line out.
struct ParseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "parse",
        abstract: "Parse anime release file names into title, episode, group, resolution and the rest."
    )

    @Flag(name: .long, help: "One JSON object per name, with Anitomy v2 element names.")
    var json = false

    @Argument(help: "File names; - reads one name a line from standard input.")
    var names: [String] = []

    @Option(help: "Parse the names this many times on one core, print names per second, and nothing else.")
    var benchmark: Int?

    func validate() throws {
        if names.isEmpty { throw ValidationError("give at least one name, or - to read names from standard input") }
    }

    func run() throws {
        let parser = FilenameParser()
        if let rounds = benchmark {
            var list: [String] = []
            for name in names {
                if name == "-" {
                    while let line = readLine(strippingNewline: true) { list.append(line) }
                } else {
                    list.append(name)
                }
            }
            var checksum = 0
            // Each round is timed on its own: on a shared machine the median round says more than the total.
            var roundSeconds: [Double] = []
            for _ in 0..<max(1, rounds) {
                let start = ContinuousClock.now
                for name in list { checksum &+= parser.parse(name)[.episode].count }
                roundSeconds.append((ContinuousClock.now - start) / .seconds(1))
            }
            let seconds = roundSeconds.reduce(0, +)
            let parsed = Double(list.count * roundSeconds.count)
            let sorted = roundSeconds.sorted()
            let median = Double(list.count) / sorted[sorted.count / 2]
            let best = Double(list.count) / sorted[0]
            print(
                "parsed \(Int(parsed)) names in \(String(format: "%.2f", seconds)) s: \(Int(parsed / seconds)) names/s on one core; "
                    + "median round \(Int(median))/s, best round \(Int(best))/s (checksum \(checksum))"
            )
            return
        }
        var output = FileOutput()
        for name in names {
            if name == "-" {
                while let line = readLine(strippingNewline: true) {
                    render(parser.parse(line), name: line, to: &output)
                }
            } else {
                render(parser.parse(name), name: name, to: &output)
            }
        }
        output.flush()
    }

    func render(_ parsed: ParsedFilename, name: String, to output: inout FileOutput) {
        if json {
            output.writeJSON(parsed)
            return
        }
        output.write(text(parsed, name: name))
    }

    func text(_ parsed: ParsedFilename, name: String) -> String {
        var text = name + "\n"
        for element in FilenameElement.allCases where !parsed[element].isEmpty {
            text += "  \(element.rawValue): \(parsed[element].joined(separator: ", "))\n"
        }
        return text
    }
}

/// Buffered standard output: one write per 64 KiB instead of one per line.
struct FileOutput {
    private var buffer: [UInt8] = []

    mutating func write(_ text: String) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= 1 << 16 { flush() }
    }

    /// One JSON line, written into the buffer without an intermediate string.
    mutating func writeJSON(_ parsed: ParsedFilename) {
        parsed.appendJSON(to: &buffer)
        buffer.append(UInt8(ascii: "\n"))
        if buffer.count >= 1 << 16 { flush() }
    }

    mutating func flush() {
        guard !buffer.isEmpty else { return }
        FileHandle.standardOutput.write(Data(buffer))
        buffer.removeAll(keepingCapacity: true)
    }
}
