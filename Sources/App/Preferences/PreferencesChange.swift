import Accounts
import Foundation
import Stream

/// A `PUT /api/me/preferences` body read strictly: any of the four keys, each checked, applied over what is stored.
/// An unknown key, a wrong type, an unknown language or a repeated one is refused with the reason, and nothing changes.
struct PreferencesChange {
    var audioLanguages: [String]?
    var subtitleLanguages: [String]?
    var subtitleStyle: ViewerPreferences.SubtitleStyle?
    var skip: ViewerPreferences.SkipMode?
    var hideRestricted: Bool?

    /// More languages than anyone ranks.
    static let languageLimit = 10

    static let hint =
        #"Send {"audio_languages": ["jpn"], "subtitle_languages": ["eng"], "subtitle_style": "text" or "styled", "skip": "ask", "auto" or "never", "hide_restricted": true or false}, any of them."#

    static func parse(_ body: Data) throws(APIError) -> PreferencesChange {
        guard let object = (try? JSONSerialization.jsonObject(with: body)) as? [String: Any] else {
            throw .badRequest("The body must be a JSON object. " + hint)
        }
        // Whether an admin set 18+ hiding is theirs to say (PUT /api/users/{id}), not the user's.
        if object["hide_restricted_by_admin"] != nil {
            throw .badRequest("hide_restricted_by_admin is set by an admin, with PUT /api/users/{id}.")
        }
        let known = ViewerPreferences.CodingKeys.allCases.map(\.rawValue)
        if let unknown = object.keys.sorted().first(where: { !known.contains($0) }) {
            throw .badRequest("Unknown preference \"\(unknown.prefix(40))\". " + hint)
        }
        var change = PreferencesChange()
        change.audioLanguages = try languages(object["audio_languages"], key: "audio_languages")
        change.subtitleLanguages = try languages(object["subtitle_languages"], key: "subtitle_languages")
        change.subtitleStyle = try choice(object["subtitle_style"], key: "subtitle_style")
        change.skip = try choice(object["skip"], key: "skip")
        if let value = object["hide_restricted"] {
            guard Self.isBoolean(value), let flag = value as? Bool else {
                throw .badRequest("hide_restricted must be true or false.")
            }
            change.hideRestricted = flag
        }
        return change
    }

    func applied(to preferences: ViewerPreferences) -> ViewerPreferences {
        var result = preferences
        if let audioLanguages { result.audioLanguages = audioLanguages }
        if let subtitleLanguages { result.subtitleLanguages = subtitleLanguages }
        if let subtitleStyle { result.subtitleStyle = subtitleStyle }
        if let skip { result.skip = skip }
        if let hideRestricted { result.hideRestricted = hideRestricted }
        return result
    }

    /// JSON's true or false, not a number that would pass for one.
    static func isBoolean(_ value: Any) -> Bool {
        if let number = value as? NSNumber { return String(cString: number.objCType) == "c" }
        return value is Bool
    }

    /// A list of ISO 639 codes (`ja`, `jpn`, `ger`), each made ISO 639-2/T.
    private static func languages(_ value: Any?, key: String) throws(APIError) -> [String]? {
        guard let value else { return nil }
        guard let list = value as? [Any], list.allSatisfy({ $0 is String }), let codes = list as? [String] else {
            throw .badRequest("\(key) must be a list of ISO 639 language codes, such as [\"jpn\", \"eng\"].")
        }
        guard codes.count <= languageLimit else { throw .badRequest("\(key) may hold at most \(languageLimit) languages.") }
        var result: [String] = []
        for code in codes {
            guard let canonical = LanguageCodes.canonical(code), !["und", "mis", "mul", "zxx"].contains(canonical) else {
                throw .badRequest("\(key): \"\(code.prefix(20))\" is not an ISO 639 language code (such as jpn, eng, de).")
            }
            guard !result.contains(canonical) else { throw .badRequest("\(key) names \(canonical) twice.") }
            result.append(canonical)
        }
        return result
    }

    private static func choice<T: RawRepresentable & CaseIterable>(_ value: Any?, key: String) throws(APIError) -> T?
    where T.RawValue == String {
        guard let value else { return nil }
        guard let text = value as? String, let choice = T(rawValue: text) else {
            let options = T.allCases.map { "\"\($0.rawValue)\"" }.joined(separator: ", ")
            throw .badRequest("\(key) must be one of \(options).")
        }
        return choice
    }
}
