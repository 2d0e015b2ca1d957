import Foundation
import Testing

@testable import Library

/// Every case of Anitomy's own test data (`anitomy-v2-cases.json`, 251 names).
@Suite("filename parser: Anitomy v2 conformance")
struct AnitomyConformanceTests {
    /// Cases passing today. The test fails if fewer pass, so this number only goes up.
    static let recordedPassing = 0

    struct Case {
        var input: String
        var output: [String: [String]]
    }

    static func cases() throws -> [Case] {
        let url = Bundle.module.url(forResource: "Fixtures/anitomy-v2-cases", withExtension: "json")!
        let list = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [[String: Any]] ?? []
        return list.map { item in
            let output = (item["output"] as? [String: Any] ?? [:]).mapValues { value -> [String] in
                if let text = value as? String { return [text] }
                return value as? [String] ?? []
            }
            return Case(input: item["input"] as? String ?? "", output: output)
        }
    }

    static func actual(_ parsed: ParsedFilename) -> [String: [String]] {
        var out: [String: [String]] = [:]
        for element in FilenameElement.allCases where !parsed[element].isEmpty { out[element.rawValue] = parsed[element] }
        return out
    }

    @Test("at least the recorded number of the 251 cases parse exactly as Anitomy's data says")
    func conformance() throws {
        let parser = FilenameParser()
        var passed = 0
        var report = ""
        for (number, item) in try Self.cases().enumerated() {
            let got = Self.actual(parser.parse(item.input))
            if got == item.output {
                passed += 1
                continue
            }
            report += "\(number) \(item.input)\n"
            for key in Set(got.keys).union(item.output.keys).sorted() where got[key] != item.output[key] {
                report += "    \(key): got \(got[key] ?? []) want \(item.output[key] ?? [])\n"
            }
        }
        if let path = ProcessInfo.processInfo.environment["ANIKURA_CONFORMANCE_REPORT"] {
            try? (report + "passed \(passed)\n").write(toFile: path, atomically: true, encoding: .utf8)
        }
        print("Anitomy v2 conformance: \(passed) of 251 cases pass")
        #expect(passed >= Self.recordedPassing)
    }
}
