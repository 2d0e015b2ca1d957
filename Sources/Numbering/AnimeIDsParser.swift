import Foundation

/// Reads Kometa's `anime_ids.json`: `{"aid": {"tvdb_id": N, "tvdb_season": S, "tvdb_epoffset": O, "tmdb_show_id",
/// "tmdb_movie_id", "imdb_id", "mal_id", "anilist_id"}}`, where any id may also be a comma-separated string. The whole
/// file is refused on the first value that is not what Kometa's `Convert` would read.
public enum AnimeIDsParser {
    public static func parse(_ bytes: [UInt8]) throws(MappingFileError) -> [AnimeIDs] {
        guard !bytes.isEmpty else { throw MappingFileError("the ids file is empty") }
        let top: [String: Field]
        do {
            top = try JSONDecoder().decode([String: Field].self, from: Data(bytes))
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw MappingFileError("the ids file is not a JSON object of AniDB ids")
        } catch DecodingError.dataCorrupted(let context) where context.codingPath.isEmpty {
            throw MappingFileError("the ids file is not valid JSON: truncated or damaged")
        } catch DecodingError.typeMismatch(_, let context), DecodingError.dataCorrupted(let context) {
            throw MappingFileError("anime \(context.codingPath.first?.stringValue ?? "?"): its ids are not an object of numbers and strings")
        } catch {
            throw MappingFileError("the ids file is not valid JSON: truncated or damaged")
        }
        var all: [AnimeIDs] = []
        all.reserveCapacity(top.count)
        for (key, value) in top {
            guard let aid = Int(key), aid > 0, aid < MappingLimits.maxID else {
                throw MappingFileError("the ids file has the key \"\(key.prefix(40))\", which is not an AniDB id")
            }
            guard case .object(let fields) = value else { throw MappingFileError("anime \(aid): its ids are not an object") }
            func ints(_ name: String) throws(MappingFileError) -> [Int] {
                switch fields[name] {
                case nil, .null?: return []
                case .number(let number)?:
                    guard let id = Int(exactly: number), id > 0, id < MappingLimits.maxID else {
                        throw MappingFileError("anime \(aid): \(name) \(number.formatted) is out of range")
                    }
                    return [id]
                case .text(let text)?:
                    var out: [Int] = []
                    for part in text.split(separator: ",") {
                        guard let id = Int(part.trimmingSpaces), id > 0, id < MappingLimits.maxID else {
                            throw MappingFileError("anime \(aid): \(name) \"\(text.prefix(60))\" is not a list of ids")
                        }
                        out.append(id)
                    }
                    return out
                default:
                    throw MappingFileError("anime \(aid): \(name) is neither a number nor a list")
                }
            }
            func int(_ name: String, range: ClosedRange<Int>) throws(MappingFileError) -> Int? {
                switch fields[name] {
                case nil, .null?: return nil
                case .number(let number)? where Int(exactly: number).map(range.contains) == true: return Int(number)
                case .number(let number)?:
                    throw MappingFileError("anime \(aid): \(name) \(number.formatted) is not a number within \(range)")
                default: throw MappingFileError("anime \(aid): \(name) is not a number")
                }
            }
            var ids = AnimeIDs(aid: aid)
            ids.tvdbID = try ints("tvdb_id").first
            ids.tvdbSeason = try int("tvdb_season", range: -1...MappingLimits.maxSeason)
            ids.tvdbOffset = try int("tvdb_epoffset", range: -MappingLimits.maxOffset...MappingLimits.maxOffset) ?? 0
            ids.tmdbShows = try ints("tmdb_show_id")
            ids.tmdbMovies = try ints("tmdb_movie_id")
            ids.mal = try ints("mal_id")
            ids.anilist = try ints("anilist_id")
            switch fields["imdb_id"] {
            case nil, .null?: break
            case .text(let text)?:
                for part in text.split(separator: ",") {
                    let part = part.trimmingSpaces
                    guard IMDbID.isValid(part) else {
                        throw MappingFileError("anime \(aid): imdb_id \"\(text.prefix(60))\" is not a list of tt… ids")
                    }
                    ids.imdb.append(part)
                }
            default: throw MappingFileError("anime \(aid): imdb_id is not a string")
            }
            all.append(ids)
        }
        guard !all.isEmpty else { throw MappingFileError("the ids file lists no anime") }
        return all.sorted { $0.aid < $1.aid }
    }

    /// One JSON value of the file, as far as the ids need telling apart.
    enum Field: Decodable {
        case null
        case number(Double)
        case text(String)
        case flag(Bool)
        case object([String: Field])
        case list

        init(from decoder: any Decoder) throws {
            let container = try decoder.singleValueContainer()
            if container.decodeNil() {
                self = .null
            } else if let flag = try? container.decode(Bool.self) {
                self = .flag(flag)
            } else if let number = try? container.decode(Double.self) {
                self = .number(number)
            } else if let text = try? container.decode(String.self) {
                self = .text(text)
            } else if let object = try? container.decode([String: Field].self) {
                self = .object(object)
            } else {
                _ = try container.decode([Field].self)
                self = .list
            }
        }
    }
}

extension Double {
    /// `12` rather than `12.0`.
    fileprivate var formatted: String { Int(exactly: self).map(String.init) ?? String(self) }
}
