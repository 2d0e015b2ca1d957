import Foundation
import TOMLKit

/// Reads settings in precedence order: environment (`ANIKURA_<SECTION>_<KEY>`), then `config.toml`, then defaults.
///
/// Every key is declared in `ConfigKey.all`; an unknown key in the file or a value of the wrong type stops
/// start-up with one line naming the key.
struct ConfigReader: Sendable {
    enum Value: Sendable, Equatable {
        case string(String)
        case int(Int)
        case double(Double)
        case bool(Bool)
        case strings([String])
        case table([String: String])
    }

    struct Error: Swift.Error, CustomStringConvertible {
        var description: String
    }

    private var values: [String: Value]
    /// Where each value came from, for error messages (`config.toml`, `ANIKURA_MIRROR_DAILY_LIMIT`, default).
    private var origins: [String: String]

    init(values: [String: Value], origins: [String: String] = [:]) {
        self.values = values
        self.origins = origins
    }

    /// Loads `path` (if it exists, or fails when `required`) and applies the environment over it.
    static func load(path: String?, environment: [String: String], required: Bool) throws -> ConfigReader {
        var values: [String: Value] = [:]
        var origins: [String: String] = [:]
        for key in ConfigKey.all {
            values[key.name] = key.defaultValue
            origins[key.name] = "default"
        }
        if let path {
            if FileManager.default.fileExists(atPath: path) {
                let text: String
                do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
                    throw Error(description: "config: cannot read \(path): \(error.localizedDescription)")
                }
                for (name, value) in try parseTOML(text, path: path) {
                    values[name] = value
                    origins[name] = path
                }
            } else if required {
                throw Error(description: "config: file \(path) does not exist")
            }
        }
        for key in ConfigKey.all {
            let variable = key.environmentVariable
            guard let raw = environment[variable] else { continue }
            values[key.name] = try key.parse(environment: raw, origin: variable)
            origins[key.name] = variable
        }
        return ConfigReader(values: values, origins: origins)
    }

    static func parseTOML(_ text: String, path: String) throws -> [String: Value] {
        let table: TOMLTable
        do { table = try TOMLTable(string: text) } catch let error as TOMLParseError {
            throw Error(description: "config: \(path) line \(error.source.begin.line): \(error.description)")
        }
        var result: [String: Value] = [:]
        for (section, sectionValue) in table {
            guard let sectionTable = sectionValue.table else {
                throw Error(description: "config: \(path): '\(section)' must be a [section]")
            }
            for (name, value) in sectionTable {
                let full = section + "." + name
                guard let key = ConfigKey.all.first(where: { $0.name == full }) else {
                    throw Error(description: "config: \(path): unknown key \(full)")
                }
                result[full] = try key.convert(value, origin: path)
            }
        }
        return result
    }

    /// Where a value came from: "default", an environment variable's name, or the config file's path.
    func origin(_ name: String) -> String { origins[name] ?? "default" }

    func string(_ name: String) -> String {
        if case .string(let value) = values[name] { return value }
        preconditionFailure("config key \(name) is not a declared string")
    }

    func int(_ name: String) -> Int {
        if case .int(let value) = values[name] { return value }
        preconditionFailure("config key \(name) is not a declared integer")
    }

    func double(_ name: String) -> Double {
        switch values[name] {
        case .double(let value): return value
        case .int(let value): return Double(value)
        default: preconditionFailure("config key \(name) is not a declared number")
        }
    }

    func bool(_ name: String) -> Bool {
        if case .bool(let value) = values[name] { return value }
        preconditionFailure("config key \(name) is not a declared boolean")
    }

    func table(_ name: String) -> [String: String] {
        if case .table(let value) = values[name] { return value }
        return [:]
    }

    func strings(_ name: String) -> [String] {
        if case .strings(let value) = values[name] { return value }
        preconditionFailure("config key \(name) is not a declared list")
    }

    /// An error naming the key and where its value came from.
    func invalid(_ name: String, _ problem: String) -> Error {
        Error(description: "config: \(name) (from \(origins[name] ?? "default")): \(problem)")
    }
}
