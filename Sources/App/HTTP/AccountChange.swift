import Accounts
import HTTPTypes
import OffThread

/// Runs a change to accounts off the cooperative pool, turning what the store refuses into the HTTP error that
/// carries its sentence: 409 for a conflict, 404 for something missing, else 400.
func accountChange<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    do {
        return try await offThread(body)
    } catch let error as AccountError {
        let status: HTTPResponse.Status =
            switch error {
            case .duplicateUser, .confusableName, .lastAdmin, .usersExist: .conflict
            case .noSuchUser, .noSuchKey, .inviteUnknown: .notFound
            case .inviteExpired, .inviteUsedUp, .inviteRevoked: .gone
            default: .badRequest
            }
        throw APIError(status: status, message: error.description.prefix(1).uppercased() + error.description.dropFirst() + ".")
    }
}
