internal import CXML2
import Foundation

/// Parses AniDB anime documents with libxml2 (well-formedness checked, no network, no DTDs).
///
/// Stateless and safe to call from many threads at once: each call gets its own parser context.
public struct AnimeDocumentParser: Sendable {
    /// Largest document accepted. AniDB's largest anime (long-running series with every episode title)
    /// stay well under 4 MiB; anything past this is not an AniDB document.
    public static let defaultMaxBytes = 16 * 1024 * 1024

    public var maxBytes: Int

    public init(maxBytes: Int = AnimeDocumentParser.defaultMaxBytes) {
        Self.initializeLibXML
        self.maxBytes = maxBytes
    }

    /// libxml2 must be initialised once before threads use it.
    private static let initializeLibXML: Void = xmlInitParser()

    /// Parses `bytes`, checking that it is an `<anime id="N">` document and, if given, that N is `expectedAID`.
    public func parse(_ bytes: [UInt8], expectedAID: Int? = nil) throws(Mirror.DocumentError) -> AnimeDocument {
        let result: Result<AnimeDocument, Mirror.DocumentError> = bytes.withUnsafeBytes { buffer in
            Result { () throws(Mirror.DocumentError) in try parse(buffer, expectedAID: expectedAID) }
        }
        return try result.get()
    }

    private func parse(_ buffer: UnsafeRawBufferPointer, expectedAID: Int?) throws(Mirror.DocumentError) -> AnimeDocument {
        guard !buffer.isEmpty else { throw .init(.empty) }
        guard buffer.count <= maxBytes else { throw .init(.tooLarge(bytes: buffer.count, limit: maxBytes)) }
        guard let context = xmlNewParserCtxt() else { throw .init(.malformed("out of memory")) }
        defer { xmlFreeParserCtxt(context) }
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue
            | XML_PARSE_COMPACT.rawValue)
        let base = buffer.baseAddress!.assumingMemoryBound(to: CChar.self)
        guard let document = xmlCtxtReadMemory(context, base, Int32(buffer.count), nil, nil, options) else {
            throw .init(.malformed(Self.lastError(context)))
        }
        defer { xmlFreeDoc(document) }
        if document.pointee.intSubset != nil { throw .init(.doctypeNotAllowed) }
        guard let rootNode = xmlDocGetRootElement(document) else { throw .init(.malformed("no root element")) }
        let root = XMLElement(node: rootNode)
        if root.isNamed("error") { throw .init(.errorBody(root.text.trimmingCharacters(in: .whitespacesAndNewlines))) }
        guard root.isNamed("anime") else { throw .init(.notAnAnimeDocument(root: root.name)) }
        guard let aid = root.intAttribute("id"), aid > 0 else { throw .init(.missingID) }
        if let expectedAID, expectedAID != aid { throw .init(.idMismatch(expected: expectedAID, found: aid)) }
        return Self.shred(root, aid: aid)
    }

    private static func lastError(_ context: xmlParserCtxtPtr) -> String {
        guard let error = xmlCtxtGetLastError(context), let message = error.pointee.message else {
            return "unreadable document"
        }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return "line \(error.pointee.line): \(text)"
    }

    // MARK: - Shredding

    private static func shred(_ root: XMLElement, aid: Int) -> AnimeDocument {
        var doc = AnimeDocument(aid: aid, isRestricted: root.boolAttribute("restricted"))
        var newest: String?
        func noteUpdate(_ element: XMLElement) -> String? {
            guard let update = element.attribute("update") else { return nil }
            if newest.map({ update > $0 }) ?? true { newest = update }
            return update
        }
        for child in root.children {
            if child.isNamed("type") {
                doc.type = child.text
            } else if child.isNamed("episodecount") {
                doc.episodeCount = Int(child.text)
            } else if child.isNamed("startdate") {
                doc.startDate = child.text
            } else if child.isNamed("enddate") {
                doc.endDate = child.text
            } else if child.isNamed("url") {
                doc.url = child.text
            } else if child.isNamed("picture") {
                doc.picture = child.text
            } else if child.isNamed("description") {
                doc.description = child.text
            } else if child.isNamed("titles") {
                for title in child.children where title.isNamed("title") {
                    doc.titles.append(.init(language: title.attribute("lang") ?? "", type: title.attribute("type") ?? "",
                                            text: title.text))
                }
            } else if child.isNamed("relatedanime") {
                for related in child.children where related.isNamed("anime") {
                    guard let id = related.intAttribute("id") else { continue }
                    doc.relations.append(.init(aid: id, type: related.attribute("type") ?? "", title: related.text))
                }
            } else if child.isNamed("ratings") {
                for rating in child.children {
                    guard let value = Double(rating.text) else { continue }
                    doc.ratings.append(.init(kind: rating.name, value: value, count: rating.intAttribute("count")))
                }
            } else if child.isNamed("tags") || child.isNamed("categories") {
                for tag in child.children where tag.isNamed("tag") || tag.isNamed("category") {
                    guard let id = tag.intAttribute("id") else { continue }
                    let update = noteUpdate(tag)
                    doc.tags.append(.init(
                        kind: tag.isNamed("tag") ? "tag" : "category", id: id,
                        parentId: tag.intAttribute("parentid"), name: tag.childText("name") ?? "",
                        weight: tag.intAttribute("weight") ?? 0,
                        localSpoiler: tag.boolAttribute("localspoiler") || tag.boolAttribute("spoiler"),
                        globalSpoiler: tag.boolAttribute("globalspoiler"), verified: tag.boolAttribute("verified"),
                        update: update))
                }
            } else if child.isNamed("episodes") {
                for episode in child.children where episode.isNamed("episode") {
                    guard let id = episode.intAttribute("id") else { continue }
                    let update = noteUpdate(episode)
                    var item = AnimeDocument.Episode(id: id, number: "", type: .regular, update: update, titles: [])
                    for field in episode.children {
                        if field.isNamed("epno") {
                            item.number = field.text
                            item.type = field.intAttribute("type").flatMap(AnimeDocument.EpisodeType.init) ?? .other
                        } else if field.isNamed("length") {
                            item.length = Int(field.text)
                        } else if field.isNamed("airdate") {
                            item.airDate = field.text
                        } else if field.isNamed("rating") {
                            item.rating = Double(field.text)
                            item.votes = field.intAttribute("votes")
                        } else if field.isNamed("title") {
                            item.titles.append(.init(language: field.attribute("lang") ?? "", text: field.text))
                        }
                    }
                    doc.episodes.append(item)
                }
            } else if child.isNamed("resources") {
                for resource in child.children where resource.isNamed("resource") {
                    guard let type = resource.intAttribute("type") else { continue }
                    for entity in resource.children where entity.isNamed("externalentity") {
                        var identifiers: [String] = []
                        var url: String?
                        for field in entity.children {
                            if field.isNamed("identifier") { identifiers.append(field.text) }
                            else if field.isNamed("url") { url = field.text }
                        }
                        doc.resources.append(.init(type: type, identifiers: identifiers, url: url))
                    }
                }
            } else if child.isNamed("creators") {
                for creator in child.children where creator.isNamed("name") {
                    guard let id = creator.intAttribute("id") else { continue }
                    doc.creators.append(.init(id: id, type: creator.attribute("type") ?? "", name: creator.text))
                }
            } else if child.isNamed("characters") {
                for character in child.children { _ = noteUpdate(character) }
            }
        }
        doc.newestUpdate = newest
        return doc
    }
}
