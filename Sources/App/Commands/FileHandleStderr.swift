import Foundation

enum FileHandleStderr {
    static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }

    /// True when standard error is a terminal, so progress lines can redraw in place.
    static var isTerminal: Bool { isatty(STDERR_FILENO) == 1 }
}
