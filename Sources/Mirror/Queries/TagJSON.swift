/// The tag listings' JSON, written directly: `JSONEncoder` took 3 ms for a 1,000-anime listing, most of the
/// request. The bytes are what `JSONEncoder` with sorted keys writes (a test compares them), so every object
/// below lists its keys in sorted order.
extension TagListing {
    public var json: [UInt8] {
        var output = JSONText.Object(capacity: 96 + results.count * 28)
        output.field("count", count)
        output.field("limit", limit)
        output.field("mature", mature)
        output.field("results", aidObjects: results.map { ($0.aid, $0.weight) }, valueKey: "weight")
        output.field("tag_id", tagID)
        output.field("tag_name", tagName)
        return output.close()
    }
}

extension TagSearch {
    public var json: [UInt8] {
        var output = JSONText.Object(capacity: 96 + results.count * 32)
        output.field("mature", mature)
        output.field("min_weight", minWeight)
        output.field("query", strings: query)
        output.field("results", aidObjects: results.map { ($0.aid, $0.tagMatches) }, valueKey: "tag_matches")
        return output.close()
    }
}
