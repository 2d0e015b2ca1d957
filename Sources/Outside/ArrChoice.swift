import Foundation

/// Picks the root folder and quality profile `[sonarr]` or `[radarr]` names from the ones the program has; an error
/// lists those it has.
enum ArrChoice {
    static func rootFolder(_ wanted: String, from folders: [ArrRootFolder], service: String) throws(OutsideError) -> String {
        guard let first = folders.first else {
            throw OutsideError(
                service: service,
                kind: .failed,
                message: "\(service) has no root folder: add one in \(service)'s Settings → Media Management"
            )
        }
        guard !wanted.isEmpty else { return first.path }
        let trimmed = wanted.trimmingSuffix("/")
        if let folder = folders.first(where: { $0.path.trimmingSuffix("/") == trimmed }) { return folder.path }
        throw OutsideError(
            service: service,
            kind: .failed,
            message:
                "\(service) has no root folder \(wanted) (\(service.lowercased()).root_folder); it has \(folders.map(\.path).joined(separator: ", "))"
        )
    }

    static func qualityProfile(_ wanted: String, from profiles: [ArrQualityProfile], service: String) throws(OutsideError) -> Int {
        guard let first = profiles.first else {
            throw OutsideError(service: service, kind: .failed, message: "\(service) has no quality profile")
        }
        guard !wanted.isEmpty else { return first.id }
        if let profile = profiles.first(where: { String($0.id) == wanted || $0.name.caseInsensitiveCompare(wanted) == .orderedSame }) {
            return profile.id
        }
        throw OutsideError(
            service: service,
            kind: .failed,
            message:
                "\(service) has no quality profile \(wanted) (\(service.lowercased()).quality_profile); it has \(profiles.map { "\($0.name) (\($0.id))" }.joined(separator: ", "))"
        )
    }
}
