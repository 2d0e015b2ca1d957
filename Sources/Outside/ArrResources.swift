/// A root folder as Sonarr and Radarr list it (`GET /api/v3/rootfolder`).
public struct ArrRootFolder: Sendable, Equatable {
    public var id: Int
    public var path: String

    init?(_ json: JSONValue) {
        guard let id = json["id"]?.int, let path = json["path"]?.string else { return nil }
        self.id = id
        self.path = path
    }
}

/// A quality profile (`GET /api/v3/qualityprofile`).
public struct ArrQualityProfile: Sendable, Equatable {
    public var id: Int
    public var name: String

    init?(_ json: JSONValue) {
        guard let id = json["id"]?.int, let name = json["name"]?.string else { return nil }
        self.id = id
        self.name = name
    }
}

/// An episode of a series in Sonarr (`GET /api/v3/episode?seriesId=`).
public struct SonarrEpisode: Sendable, Equatable {
    public var id: Int
    public var seasonNumber: Int
    public var episodeNumber: Int
    /// Set for anime series once TheTVDB gives one.
    public var absoluteEpisodeNumber: Int?
    public var monitored: Bool
    public var hasFile: Bool

    init?(_ json: JSONValue) {
        guard let id = json["id"]?.int, let season = json["seasonNumber"]?.int, let number = json["episodeNumber"]?.int else { return nil }
        self.id = id
        seasonNumber = season
        episodeNumber = number
        absoluteEpisodeNumber = json["absoluteEpisodeNumber"]?.int
        monitored = json["monitored"]?.bool ?? false
        hasFile = json["hasFile"]?.bool ?? false
    }
}
