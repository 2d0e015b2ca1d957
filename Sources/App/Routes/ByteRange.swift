import Foundation

/// One HTTP byte range (RFC 9110 §14): `bytes=a-b`, `bytes=a-` or `bytes=-n`, resolved against the file's size.
enum ByteRange {
    enum Outcome: Equatable {
        /// No usable Range header (absent, another unit, or several ranges): the whole file, 200.
        case whole
        case part(ClosedRange<Int>)
        /// Syntactically a range, but none of it lies in the file: 416.
        case unsatisfiable
    }

    static func resolve(_ header: String?, size: Int) -> Outcome {
        guard let header, header.hasPrefix("bytes="), !header.contains(",") else { return .whole }
        let spec = header.dropFirst("bytes=".count).trimmingCharacters(in: .whitespaces)
        let parts = spec.split(separator: "-", maxSplits: 1, omittingEmptySubsequences: false)
        guard parts.count == 2 else { return .whole }
        let first = parts[0].isEmpty ? nil : Int(parts[0])
        let last = parts[1].isEmpty ? nil : Int(parts[1])
        if !parts[0].isEmpty && first == nil || !parts[1].isEmpty && last == nil { return .whole }
        switch (first, last) {
        case (let start?, let end):
            guard start < size, start >= 0 else { return .unsatisfiable }
            let stop = min(end ?? size - 1, size - 1)
            return stop >= start ? .part(start...stop) : .whole
        case (nil, let suffix?):
            guard suffix > 0, size > 0 else { return .unsatisfiable }
            return .part(max(0, size - suffix)...(size - 1))
        case (nil, nil):
            return .whole
        }
    }
}
