/// The tag listings' JSON, written directly: `JSONEncoder` took 3 ms for a 1,000-anime listing, most of the
/// request. The bytes are what `JSONEncoder` with sorted keys writes (a test compares them).
extension TagListing {
    public var json: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(96 + results.count * 28)
        output.append(UInt8(ascii: "{"))
        JSONText.append(key: "count", to: &output)
        JSONText.append(count, to: &output)
        output.append(UInt8(ascii: ","))
        JSONText.append(key: "limit", to: &output)
        JSONText.append(limit, to: &output)
        output.append(UInt8(ascii: ","))
        JSONText.append(key: "mature", to: &output)
        JSONText.append(mature, to: &output)
        output.append(UInt8(ascii: ","))
        JSONText.append(key: "results", to: &output)
        output.append(UInt8(ascii: "["))
        for (index, entry) in results.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "{"))
            JSONText.append(key: "aid", to: &output)
            JSONText.append(entry.aid, to: &output)
            output.append(UInt8(ascii: ","))
            JSONText.append(key: "weight", to: &output)
            JSONText.append(entry.weight, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: "],".utf8)
        JSONText.append(key: "tag_id", to: &output)
        JSONText.append(tagID, to: &output)
        output.append(UInt8(ascii: ","))
        JSONText.append(key: "tag_name", to: &output)
        if let tagName { JSONText.append(tagName, to: &output) } else { output.append(contentsOf: "null".utf8) }
        output.append(UInt8(ascii: "}"))
        return output
    }
}

extension TagSearch {
    public var json: [UInt8] {
        var output: [UInt8] = []
        output.reserveCapacity(96 + results.count * 32)
        output.append(UInt8(ascii: "{"))
        JSONText.append(key: "mature", to: &output)
        JSONText.append(mature, to: &output)
        output.append(UInt8(ascii: ","))
        JSONText.append(key: "min_weight", to: &output)
        JSONText.append(minWeight, to: &output)
        output.append(UInt8(ascii: ","))
        JSONText.append(key: "query", to: &output)
        output.append(UInt8(ascii: "["))
        for (index, name) in query.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            JSONText.append(name, to: &output)
        }
        output.append(contentsOf: "],".utf8)
        JSONText.append(key: "results", to: &output)
        output.append(UInt8(ascii: "["))
        for (index, entry) in results.enumerated() {
            if index > 0 { output.append(UInt8(ascii: ",")) }
            output.append(UInt8(ascii: "{"))
            JSONText.append(key: "aid", to: &output)
            JSONText.append(entry.aid, to: &output)
            output.append(UInt8(ascii: ","))
            JSONText.append(key: "tag_matches", to: &output)
            JSONText.append(entry.tagMatches, to: &output)
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: "]}".utf8)
        return output
    }
}
