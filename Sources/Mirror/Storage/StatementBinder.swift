internal import GRDB
internal import GRDBSQLite

/// Binds and steps a cached GRDB statement through the SQLite C API.
///
/// Seed import writes millions of rows; GRDB's `StatementArguments` boxing costs more than SQLite's
/// own insert does, so the hot insert loop binds values directly.
struct StatementBinder {
    private let statement: OpaquePointer
    private var index: Int32 = 0

    /// `SQLITE_TRANSIENT`: SQLite copies the value before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    static func run(_ statement: Statement, _ bind: (inout StatementBinder) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var binder = StatementBinder(statement: handle)
        bind(&binder)
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else {
            let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
            sqlite3_reset(handle)
            throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
        }
    }

    /// Runs an insert of `key` and two blobs without SQLite copying the blobs first (`SQLITE_STATIC`): a document is
    /// 70 KB, and that copy was work for the import's one writer, its slowest stage. The bytes are only borrowed
    /// while the statement steps; the bindings are cleared before the borrow ends.
    static func run(_ statement: Statement, key: Int, blob first: [UInt8], blob second: [UInt8]?) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        try first.withUnsafeBytes { first in
            try (second ?? []).withUnsafeBytes { secondBytes in
                defer {
                    sqlite3_reset(handle)
                    sqlite3_clear_bindings(handle)
                }
                sqlite3_bind_int64(handle, 1, Int64(key))
                for (position, bytes) in [(Int32(2), Optional(first)), (3, second == nil ? nil : secondBytes)] {
                    guard let bytes else {
                        sqlite3_bind_null(handle, position)
                        continue
                    }
                    if bytes.isEmpty {
                        sqlite3_bind_zeroblob(handle, position, 0)
                    } else {
                        sqlite3_bind_blob(handle, position, bytes.baseAddress, Int32(bytes.count), Self.borrowed)
                    }
                }
                let code = sqlite3_step(handle)
                guard code == SQLITE_DONE else {
                    let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
                    throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
                }
            }
        }
    }

    /// `SQLITE_STATIC`: SQLite uses the value where it is, which must stay put until the statement is reset.
    private static let borrowed = unsafeBitCast(0, to: sqlite3_destructor_type.self)

    /// Runs a query whose first column is an integer, calling `body` for each row without building rows.
    static func forEachInt(_ statement: Statement, _ bind: (inout StatementBinder) -> Void, body: (Int) -> Void) throws {
        let handle = statement.sqliteStatement
        sqlite3_reset(handle)
        var binder = StatementBinder(statement: handle)
        bind(&binder)
        defer { sqlite3_reset(handle) }
        while true {
            let code = sqlite3_step(handle)
            if code == SQLITE_DONE { return }
            guard code == SQLITE_ROW else {
                let message = String(cString: sqlite3_errmsg(sqlite3_db_handle(handle)))
                throw DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
            }
            body(Int(sqlite3_column_int64(handle, 0)))
        }
    }

    private mutating func next() -> Int32 {
        index += 1
        return index
    }

    mutating func bind(_ value: Int?) {
        let position = next()
        if let value { sqlite3_bind_int64(statement, position, Int64(value)) } else { sqlite3_bind_null(statement, position) }
    }

    mutating func bind(_ value: Double?) {
        let position = next()
        if let value { sqlite3_bind_double(statement, position, value) } else { sqlite3_bind_null(statement, position) }
    }

    mutating func bind(_ value: Bool) {
        sqlite3_bind_int64(statement, next(), value ? 1 : 0)
    }

    mutating func bind(_ value: String?) {
        let position = next()
        guard var value else {
            sqlite3_bind_null(statement, position)
            return
        }
        value.withUTF8 { utf8 in
            guard let base = utf8.baseAddress, utf8.count > 0 else {
                _ = sqlite3_bind_text(statement, position, "", 0, nil)
                return
            }
            _ = sqlite3_bind_text(
                statement,
                position,
                UnsafeRawPointer(base).assumingMemoryBound(to: CChar.self),
                Int32(utf8.count),
                Self.transient
            )
        }
    }
}
