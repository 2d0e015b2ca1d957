/// A validated document ready to be written: the original bytes, what was shredded from them,
/// and the prepared `mature=false` variant.
public struct StoredDocument: Sendable {
    public var document: AnimeDocument
    public var xml: [UInt8]
    /// The document without adult tags, or nil when it has none (then `xml` serves both).
    public var matureSafeXml: [UInt8]?
    public var etag: String
    /// When AniDB produced these bytes (Unix seconds): the file's time, else the newest `update=`.
    public var fetchedAt: Double
    /// Derived columns, computed here on the parsing threads so the single writer only binds values.
    var normalizedTitles: [String]
    var tagKeys: [String]
    var episodeTitlesJSON: [String]

    public init(document: AnimeDocument, xml: [UInt8], fetchedAt: Double) {
        self.document = document
        self.xml = xml
        // Scanning the bytes is only needed when the parse saw a tag the filter cuts.
        self.matureSafeXml = AdultContentFilter.applies(to: document) ? AdultContentFilter.filtered(xml) : nil
        self.normalizedTitles = document.titles.map { TitleNormalizer.normalize($0.text) }
        self.tagKeys = document.tags.map { $0.name.lowercased() }
        self.episodeTitlesJSON = document.episodes.map { JSONText.pairs($0.titles.map { ($0.language, $0.text) }) }
        self.etag = "\"" + String(Gzip.crc32(xml), radix: 16) + "-" + String(xml.count, radix: 16) + "\""
        self.fetchedAt = fetchedAt
    }

    /// Validates `bytes` and prepares them for storage.
    public static func validate(
        _ bytes: [UInt8],
        expectedAID: Int?,
        fileTime: Double?,
        parser: AnimeDocumentParser
    )
        throws(Mirror.DocumentError) -> StoredDocument
    {
        let document = try parser.parse(bytes, expectedAID: expectedAID)
        let updateTime = document.newestUpdate.flatMap(AniDBDate.unixTime)
        return StoredDocument(document: document, xml: bytes, fetchedAt: fileTime ?? updateTime ?? 0)
    }
}

/// AniDB's calendar dates (`YYYY-MM-DD`, UTC).
public enum AniDBDate {
    public static func unixTime(_ text: String) -> Double? {
        let parts = text.split(separator: "-").compactMap { Int($0) }
        guard parts.count == 3, (1900...9999).contains(parts[0]), (1...12).contains(parts[1]), (1...31).contains(parts[2])
        else { return nil }
        return Double(daysFromCivil(year: parts[0], month: parts[1], day: parts[2])) * 86_400
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar (Howard Hinnant's algorithm).
    static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yearOfEra = y - era * 400
        let dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear
        return era * 146_097 + dayOfEra - 719_468
    }
}
