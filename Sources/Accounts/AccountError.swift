/// What the account stores refuse, each with the sentence the command line or the API shows.
public enum AccountError: Error, Equatable, CustomStringConvertible {
    case invalidName(String)
    case confusableName(String, existing: String)
    case mixedScripts(String, script: String, letters: String)
    case invalidPassword
    case weakPassword(minimum: Int)
    case duplicateUser(String)
    case noSuchUser(String)
    case noSuchKey(Int64)
    case lastAdmin(String)
    case invalidLabel
    case usersExist
    case invalidInvite(String)
    case inviteUnknown
    case inviteExpired
    case inviteUsedUp
    case inviteRevoked

    public var description: String {
        switch self {
        case .invalidName(let name):
            "'\(name.prefix(80))' is not a valid user name: use 1 to 64 letters, digits, '.', '-' or '_'"
        case .confusableName(let name, let existing):
            "'\(name.prefix(80))' looks too much like the existing user '\(existing)': choose a name that is told apart at a glance"
        case .mixedScripts(let name, let script, let letters):
            "'\(name.prefix(80))' mixes scripts: \(letters) \(letters.unicodeScalars.count == 1 ? "is" : "are") \(script), the rest is not "
                + "(a keyboard layout switched midway?); use letters of one script"
        case .invalidPassword: "the password may not contain control characters (such as NUL, a tab or a line break)"
        case .weakPassword(let minimum): "the password must be at least \(minimum) characters"
        case .duplicateUser(let name): "a user named '\(name)' already exists"
        case .noSuchUser(let name): "no user named '\(name.prefix(80))'"
        case .noSuchKey(let id): "no API key with id \(id)"
        case .lastAdmin(let name):
            "'\(name)' is the last admin; make another user an admin first (or remove every other user)"
        case .invalidLabel: "the label must be 1 to 200 characters"
        case .usersExist: "this install has users already: sign in instead"
        case .invalidInvite(let reason): reason
        case .inviteUnknown: "this invitation code is not known: check the link, or ask for a new one"
        case .inviteExpired: "this invitation has expired: ask whoever sent it for a new one"
        case .inviteUsedUp: "this invitation has been used up: ask whoever sent it for a new one"
        case .inviteRevoked: "this invitation was withdrawn: ask whoever sent it for a new one"
        }
    }
}
