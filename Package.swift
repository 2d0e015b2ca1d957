// swift-tools-version:6.2
import PackageDescription

/// Upcoming features every target opts into: explicit `any`, imports that say which module a member comes from,
/// and internal imports unless an API re-exports a type.
let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "anikura",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "anikura", targets: ["App"])
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess.git", from: "1.0.2"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird-auth.git", from: "2.5.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
    ],
    targets: [
        // System libraries: libxml2 for fast, validating XML parsing; zlib for gzip and zip.
        .systemLibrary(
            name: "CXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        // libavformat and friends (FFmpeg 5.1 on Debian 12), with a shim for the macros Swift cannot import.
        .systemLibrary(
            name: "CFFmpeg",
            pkgConfig: "libavformat",
            providers: [.apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev"])]
        ),
        .systemLibrary(
            name: "CZlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // One SQLite setting that only the variadic sqlite3_config can make.
        .systemLibrary(
            name: "CSQLiteConfig",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // The one way blocking work leaves Swift's cooperative threads: a bounded pool.
        .target(
            name: "OffThread",
            dependencies: [.product(name: "NIOPosix", package: "swift-nio")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Mirror",
            dependencies: [
                "CXML2",
                "CZlib",
                "OffThread",
                "Numbering",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: swiftSettings
        ),
        // The mirror's shared state in PostgreSQL, for several instances with one AniDB budget.
        .target(
            name: "MirrorPostgres",
            dependencies: [
                "Mirror",
                "Numbering",
                "OffThread",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // The community mapping between AniDB and TheTVDB, TMDB, IMDb, MAL and AniList: its two files and the way
        // from a TVDB or TMDB season and episode back to AniDB's anime and episode.
        .target(name: "Numbering", dependencies: ["CXML2"], swiftSettings: swiftSettings),
        .target(
            name: "Library",
            dependencies: [
                "Numbering",
                "OffThread",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // Optimised in debug builds too: the parser's tests feed it a million names.
            swiftSettings: swiftSettings + [.unsafeFlags(["-O"], .when(configuration: .debug))]
        ),
        // Outside services Anikura talks to on its admin's behalf (Sonarr and Radarr), each behind a protocol.
        .target(
            name: "Outside",
            dependencies: [
                "Numbering",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Stream",
            dependencies: [
                "CFFmpeg",
                "OffThread",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        // Users, sessions, API keys and per-user watch state: the tables and the rules for them.
        .target(
            name: "Accounts",
            dependencies: [
                "OffThread",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "HummingbirdBcrypt", package: "hummingbird-auth"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "App",
            dependencies: [
                "CSQLiteConfig",
                "OffThread",
                "Mirror",
                "MirrorPostgres",
                "Library",
                "Numbering",
                "Outside",
                "Stream",
                "Accounts",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "TOMLKit", package: "TOMLKit"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // Test support shared by the test targets: a fake AniDB on a local socket, a clock tests move, a log capture.
        .target(
            name: "AniDBFake",
            dependencies: [
                "Mirror",
                "TestMedia",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            path: "Tests/AniDBFake",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MirrorTests",
            dependencies: [
                "Mirror",
                "MirrorPostgres",
                "AniDBFake",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "LibraryTests",
            dependencies: ["Library", "Mirror", "Numbering", .product(name: "GRDB", package: "GRDB.swift")],
            resources: [.copy("Fixtures")],
            swiftSettings: swiftSettings
        ),
        // Test support: short media files made with ffmpeg's lavfi sources, and running programs the way Stream does.
        .target(
            name: "TestMedia",
            dependencies: [.product(name: "Subprocess", package: "swift-subprocess")],
            path: "Tests/TestMedia",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StreamTests",
            dependencies: ["Stream", "TestMedia", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "AppTests",
            dependencies: [
                "App",
                "Mirror",
                "OffThread",
                "AniDBFake",
                "TestMedia",
                "Stream",
                "Accounts",
                "Numbering",
                "Outside",
                "MirrorPostgres",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            // The Selenium script a test runs with python3.
            exclude: ["Browser", "Cluster"],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
