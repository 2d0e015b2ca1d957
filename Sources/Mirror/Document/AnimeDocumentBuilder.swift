internal import CXML2

/// Builds an `AnimeDocument` from SAX events. One per parse; never shared between threads.
///
/// A struct the parser keeps behind a raw pointer for the parse: libxml2 calls back tens of thousands of times
/// per document, and reaching a class instance from each callback cost a retain, a release and a dynamic
/// exclusivity check per property touched (a tenth of the import's CPU).
struct AnimeDocumentBuilder {
    var doc = AnimeDocument(aid: 0)
    var rootName: String?
    var errorText = ""
    var errorCode: Int?
    var failure: Mirror.DocumentError.Reason?
    var context: xmlParserCtxtPtr?

    /// Element names from the root down to the current element.
    private var path: [Element] = []
    /// libxml2 interns names in its dictionary, so within one parse a name is the same pointer each time:
    /// after the first sighting an element is known by pointer, with no string built or hashed. Bounded, in
    /// case a parser ever hands out fresh pointers.
    private var knownNames: [(name: UnsafePointer<xmlChar>, element: Element)] = []
    private var text: [UInt8] = []
    private var collecting = false
    private var newest: String?
    // The item being built, for elements whose fields arrive as children.
    private var tag: AnimeDocument.Tag?
    private var episode: AnimeDocument.Episode?
    private var resourceType = 0
    private var identifiers: [String] = []
    private var resourceURL: String?
    // Attributes of the element whose text is being collected.
    private var pendingAttributes: (String?, String?, Int?) = (nil, nil, nil)

    /// The builder a callback's `userData` points at.
    static func at(_ pointer: UnsafeMutableRawPointer?) -> UnsafeMutablePointer<AnimeDocumentBuilder> {
        pointer!.assumingMemoryBound(to: AnimeDocumentBuilder.self)
    }

    /// The elements we act on; everything else is `.other` and skipped, with its whole subtree.
    enum Element {
        case anime, error, type, episodecount, startdate, enddate, url, picture, description
        case titles, title, relatedanime, ratings, rating, tags, categories, tag, category, name
        case episodes, episode, epno, length, airdate, resources, resource, externalentity, identifier
        case creators, characters, character, other

        static let names: [String: Element] = [
            "anime": .anime, "error": .error, "type": .type, "episodecount": .episodecount,
            "startdate": .startdate, "enddate": .enddate, "url": .url, "picture": .picture,
            "description": .description, "titles": .titles, "title": .title, "relatedanime": .relatedanime,
            "ratings": .ratings, "rating": .rating, "tags": .tags, "categories": .categories, "tag": .tag,
            "category": .category, "name": .name, "episodes": .episodes, "episode": .episode,
            "epno": .epno, "length": .length, "airdate": .airdate, "resources": .resources,
            "resource": .resource, "externalentity": .externalentity, "identifier": .identifier,
            "creators": .creators, "characters": .characters, "character": .character,
            "permanent": .rating, "temporary": .rating, "review": .rating,
        ]

        /// Element names are short, so the key is a small string: no allocation per element.
        static func named(_ name: UnsafePointer<xmlChar>) -> Element {
            names[String(cString: name)] ?? .other
        }
    }

    private mutating func identify(_ name: UnsafePointer<xmlChar>) -> Element {
        for known in knownNames where known.name == name { return known.element }
        let element = Element.named(name)
        if knownNames.count < 64 { knownNames.append((name, element)) }
        return element
    }

    mutating func refuseDoctype() {
        failure = .doctypeNotAllowed
        if let context { xmlStopParser(context) }
    }

    mutating func start(
        _ localName: UnsafePointer<xmlChar>,
        _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?,
        _ count: Int
    ) {
        let element = identify(localName)
        let depth = path.count
        let parent = path.last
        path.append(element)
        func attribute(_ name: StaticString) -> String? {
            guard let attributes else { return nil }
            let wanted = UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)
            for index in 0..<count {
                let base = index * 5
                guard anikura_xml_bytes_are(attributes[base], wanted) != 0, let start = attributes[base + 3],
                    let end = attributes[base + 4]
                else { continue }
                return String(decoding: UnsafeBufferPointer(start: start, count: end - start), as: UTF8.self)
            }
            return nil
        }
        func noteUpdate() -> String? {
            guard let update = attribute("update") else { return nil }
            if newest.map({ update > $0 }) ?? true { newest = update }
            return update
        }
        switch (depth, parent, element) {
        case (0, _, _):
            rootName = String(cString: localName)
            if element == .anime {
                doc.aid = attribute("id").flatMap { Int($0) } ?? 0
                doc.isRestricted = attribute("restricted") == "true"
            } else if element == .error {
                errorCode = attribute("code").flatMap { Int($0) }
                beginText()
            }
        case (1, .anime, .type), (1, .anime, .episodecount), (1, .anime, .startdate), (1, .anime, .enddate),
            (1, .anime, .url), (1, .anime, .picture), (1, .anime, .description):
            beginText()
        case (2, .titles, .title):
            pendingAttributes = (attribute("lang"), attribute("type"), nil)
            beginText()
        case (2, .relatedanime, .anime):
            pendingAttributes = (attribute("type"), nil, attribute("id").flatMap { Int($0) })
            beginText()
        case (2, .ratings, .rating):
            pendingAttributes = (String(cString: localName), nil, attribute("count").flatMap { Int($0) })
            beginText()
        case (2, .tags, .tag), (2, .categories, .category):
            let update = noteUpdate()
            guard let id = attribute("id").flatMap({ Int($0) }) else { break }
            tag = AnimeDocument.Tag(
                kind: element == .tag ? "tag" : "category",
                id: id,
                parentId: attribute("parentid").flatMap { Int($0) },
                name: "",
                weight: attribute("weight").flatMap { Int($0) } ?? 0,
                localSpoiler: attribute("localspoiler") == "true" || attribute("spoiler") == "true",
                globalSpoiler: attribute("globalspoiler") == "true",
                verified: attribute("verified") == "true",
                update: update
            )
        case (3, .tag, .name), (3, .category, .name):
            beginText()
        case (2, .episodes, .episode):
            let update = noteUpdate()
            guard let id = attribute("id").flatMap({ Int($0) }) else { break }
            episode = AnimeDocument.Episode(id: id, number: "", type: .regular, update: update, titles: [])
        case (3, .episode, .epno):
            pendingAttributes = (nil, nil, attribute("type").flatMap { Int($0) })
            beginText()
        case (3, .episode, .length), (3, .episode, .airdate):
            beginText()
        case (3, .episode, .rating):
            pendingAttributes = (nil, nil, attribute("votes").flatMap { Int($0) })
            beginText()
        case (3, .episode, .title):
            pendingAttributes = (attribute("lang"), nil, nil)
            beginText()
        case (2, .resources, .resource):
            resourceType = attribute("type").flatMap { Int($0) } ?? 0
        case (3, .resource, .externalentity):
            identifiers = []
            resourceURL = nil
        case (4, .externalentity, .identifier), (4, .externalentity, .url):
            beginText()
        case (2, .creators, .name):
            pendingAttributes = (attribute("type"), nil, attribute("id").flatMap { Int($0) })
            beginText()
        case (2, .characters, .character):
            _ = noteUpdate()
        default:
            break
        }
    }

    mutating func end() {
        guard let element = path.popLast() else { return }
        let depth = path.count
        let parent = path.last
        switch (depth, parent, element) {
        case (0, _, .error): errorText = endText()
        case (0, _, _): doc.newestUpdate = newest
        case (1, .anime, .type): doc.type = endText()
        case (1, .anime, .episodecount): doc.episodeCount = Int(endText())
        case (1, .anime, .startdate): doc.startDate = endText()
        case (1, .anime, .enddate): doc.endDate = endText()
        case (1, .anime, .url): doc.url = endText()
        case (1, .anime, .picture): doc.picture = endText()
        case (1, .anime, .description): doc.description = endText()
        case (2, .titles, .title):
            doc.titles.append(.init(language: pendingAttributes.0 ?? "", type: pendingAttributes.1 ?? "", text: endText()))
        case (2, .relatedanime, .anime):
            let title = endText()
            if let id = pendingAttributes.2 { doc.relations.append(.init(aid: id, type: pendingAttributes.0 ?? "", title: title)) }
        case (2, .ratings, .rating):
            if let value = Double(endText()) {
                doc.ratings.append(.init(kind: pendingAttributes.0 ?? "", value: value, count: pendingAttributes.2))
            }
        case (3, .tag, .name), (3, .category, .name):
            let name = endText()
            tag?.name = name
        case (2, .tags, .tag), (2, .categories, .category):
            if let tag { doc.tags.append(tag) }
            tag = nil
        case (3, .episode, .epno):
            let number = endText()
            episode?.number = number
            episode?.type = pendingAttributes.2.flatMap(AnimeDocument.EpisodeType.init) ?? .other
        case (3, .episode, .length):
            let length = Int(endText())
            episode?.length = length
        case (3, .episode, .airdate):
            let airDate = endText()
            episode?.airDate = airDate
        case (3, .episode, .rating):
            let rating = Double(endText())
            episode?.rating = rating
            episode?.votes = pendingAttributes.2
        case (3, .episode, .title):
            let title = AnimeDocument.EpisodeTitle(language: pendingAttributes.0 ?? "", text: endText())
            episode?.titles.append(title)
        case (2, .episodes, .episode):
            if let episode { doc.episodes.append(episode) }
            episode = nil
        case (4, .externalentity, .identifier): identifiers.append(endText())
        case (4, .externalentity, .url): resourceURL = endText()
        case (3, .resource, .externalentity):
            doc.resources.append(.init(type: resourceType, identifiers: identifiers, url: resourceURL))
        case (2, .creators, .name):
            let name = endText()
            if let id = pendingAttributes.2 { doc.creators.append(.init(id: id, type: pendingAttributes.0 ?? "", name: name)) }
        default:
            break
        }
    }

    mutating func append(_ characters: UnsafePointer<xmlChar>?, _ length: Int) {
        guard collecting, let characters, length > 0 else { return }
        text.append(contentsOf: UnsafeBufferPointer(start: characters, count: length))
    }

    private mutating func beginText() {
        collecting = true
        text.removeAll(keepingCapacity: true)
    }

    private mutating func endText() -> String {
        collecting = false
        return String(decoding: text, as: UTF8.self)
    }
}
