// sqlite3_config is variadic, which Swift cannot call. Declared here rather than through <sqlite3.h>, which
// GRDB's own SQLite module already includes.
int sqlite3_config(int option, ...);

/// Turns off SQLite's memory statistics. With them on (the default), every allocation takes a process-wide
/// mutex; Debian's SQLite has no lookaside allocator, so that is every small allocation. Must run before
/// SQLite initialises; afterwards it returns SQLITE_MISUSE and changes nothing.
static inline int anikura_sqlite_disable_memstatus(void) {
    return sqlite3_config(9 /* SQLITE_CONFIG_MEMSTATUS */, 0);
}
