/// The picture shown where a poster is missing: the title's initials on a colour picked from the aid, so cards
/// stay told apart. A 2:3 SVG, the shape of AniDB's posters.
enum PosterPlaceholder {
    static func svg(aid: Int, title: String?) -> String {
        let words = (title ?? "").split { !$0.isLetter && !$0.isNumber }
        var initials = String(words.prefix(2).compactMap(\.first)).uppercased()
        if initials.isEmpty { initials = "?" }
        let hue = (aid &* 47) % 360
        return """
            <svg xmlns="http://www.w3.org/2000/svg" width="200" height="300" viewBox="0 0 200 300" role="img" aria-label="\(escape(title ?? "No poster"))">\
            <rect width="200" height="300" fill="hsl(\(hue),35%,32%)"/>\
            <text x="100" y="165" text-anchor="middle" font-family="system-ui,sans-serif" font-size="64" font-weight="600" \
            fill="hsl(\(hue),60%,88%)">\(escape(initials))</text></svg>
            """
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            default: out.append(character)
            }
        }
        return out
    }
}
