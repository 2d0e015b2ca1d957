internal import CXML2

/// Borrowed, allocation-free views over a libxml2 element node. Valid only while its document lives.
struct XMLElement {
    let node: xmlNodePtr

    var name: String { String(cString: node.pointee.name) }

    func isNamed(_ other: StaticString) -> Bool {
        anikura_xml_name_is(node.pointee.name, UnsafeRawPointer(other.utf8Start).assumingMemoryBound(to: CChar.self)) != 0
    }

    /// Child elements in document order (text, comments and whitespace are skipped).
    var children: Children { Children(first: node.pointee.children) }

    func firstChild(_ name: StaticString) -> XMLElement? {
        children.first { $0.isNamed(name) }
    }

    /// An attribute's value; `lang` also finds `xml:lang`.
    func attribute(_ name: StaticString) -> String? {
        var attribute = node.pointee.properties
        while let current = attribute {
            if anikura_xml_name_is(current.pointee.name, UnsafeRawPointer(name.utf8Start).assumingMemoryBound(to: CChar.self)) != 0 {
                guard let text = current.pointee.children, let content = text.pointee.content else { return "" }
                if text.pointee.next == nil { return String(cString: content) }
                return Self.ownedContent(of: xmlNodePtr(OpaquePointer(current)))
            }
            attribute = current.pointee.next
        }
        return nil
    }

    func intAttribute(_ name: StaticString) -> Int? { attribute(name).flatMap { Int($0) } }

    func boolAttribute(_ name: StaticString) -> Bool { attribute(name) == "true" }

    /// The element's text. The common case, one text child, is read in place.
    var text: String {
        if let child = node.pointee.children, child.pointee.next == nil, child.pointee.type == XML_TEXT_NODE,
            let content = child.pointee.content {
            return String(cString: content)
        }
        return Self.ownedContent(of: node)
    }

    func childText(_ name: StaticString) -> String? { firstChild(name)?.text }

    private static func ownedContent(of node: xmlNodePtr) -> String {
        guard let content = xmlNodeGetContent(node) else { return "" }
        defer { anikura_xml_free(content) }
        return String(cString: content)
    }

    struct Children: Sequence, IteratorProtocol {
        var cursor: xmlNodePtr?

        init(first: xmlNodePtr?) { cursor = first }

        mutating func next() -> XMLElement? {
            while let current = cursor {
                cursor = current.pointee.next
                if current.pointee.type == XML_ELEMENT_NODE { return XMLElement(node: current) }
            }
            return nil
        }
    }
}
