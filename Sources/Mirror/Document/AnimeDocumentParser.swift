internal import CXML2
import Foundation

/// Parses AniDB anime documents with libxml2's SAX2 interface: well-formedness checked, no network, no DTDs,
/// and no DOM — only the values we keep are turned into Swift strings.
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
        guard !bytes.isEmpty else { throw .init(.empty) }
        guard bytes.count <= maxBytes else { throw .init(.tooLarge(bytes: bytes.count, limit: maxBytes)) }
        let slot = UnsafeMutablePointer<AnimeDocumentBuilder>.allocate(capacity: 1)
        slot.initialize(to: AnimeDocumentBuilder())
        defer { slot.deallocate() }
        let wellFormed: Bool = bytes.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            guard let context = xmlCreateMemoryParserCtxt(base, Int32(buffer.count)) else {
                slot.pointee.failure = .malformed("out of memory")
                return false
            }
            defer { xmlFreeParserCtxt(context) }
            _ = xmlCtxtUseOptions(
                context,
                Int32(
                    XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue
                        | XML_PARSE_NOWARNING.rawValue
                )
            )
            // Only our callbacks: nothing builds a tree, nothing loads or declares entities.
            var handler = xmlSAXHandler()
            handler.initialized = XML_SAX2_MAGIC
            handler.startElementNs = { userData, localName, _, _, _, _, attributeCount, _, attributes in
                AnimeDocumentBuilder.at(userData).pointee.start(localName!, attributes, Int(attributeCount))
            }
            handler.endElementNs = { userData, _, _, _ in AnimeDocumentBuilder.at(userData).pointee.end() }
            handler.characters = { userData, characters, length in
                AnimeDocumentBuilder.at(userData).pointee.append(characters, Int(length))
            }
            handler.cdataBlock = handler.characters
            handler.internalSubset = { userData, _, _, _ in AnimeDocumentBuilder.at(userData).pointee.refuseDoctype() }
            handler.serror = { _, _ in }  // errors are read from the context afterwards, never printed
            context.pointee.sax.pointee = handler
            slot.pointee.context = context
            context.pointee.userData = UnsafeMutableRawPointer(slot)
            xmlParseDocument(context)
            if slot.pointee.failure == nil && context.pointee.wellFormed == 0 {
                slot.pointee.failure = .malformed(Self.lastError(context))
            }
            return context.pointee.wellFormed != 0
        }
        let builder = slot.move()  // taken out, not copied: the slot is left uninitialised for deallocate()
        if let failure = builder.failure { throw .init(failure) }
        guard wellFormed, let root = builder.rootName else { throw .init(.malformed("no root element")) }
        if root == "error" {
            let message = builder.errorText.trimmingCharacters(in: .whitespacesAndNewlines)
            throw .init(.errorBody(code: builder.errorCode, message: message))
        }
        guard root == "anime" else { throw .init(.notAnAnimeDocument(root: root)) }
        guard let aid = builder.doc.aid > 0 ? builder.doc.aid : nil else { throw .init(.missingID) }
        if let expectedAID, expectedAID != aid { throw .init(.idMismatch(expected: expectedAID, found: aid)) }
        return builder.doc
    }

    private static func lastError(_ context: xmlParserCtxtPtr) -> String {
        guard let error = xmlCtxtGetLastError(context), let message = error.pointee.message else {
            return "unreadable document"
        }
        let text = String(cString: message).trimmingCharacters(in: .whitespacesAndNewlines)
        return "line \(error.pointee.line): \(text)"
    }
}
