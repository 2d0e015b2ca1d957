/// What handing an anime to Sonarr or Radarr did, for the admin who asked.
public struct HandOffResult: Sendable, Codable, Equatable {
    public var service: String
    /// `added` (it was not there) or `found` (it was).
    public var action: String
    /// Sonarr's series id or Radarr's movie id.
    public var id: Int
    public var title: String
    /// The episodes now monitored (`S02E13–S02E24`); empty for a movie.
    public var monitored: String
    public var episodes: Int
    public var searched: Bool
    public var message: String
}
