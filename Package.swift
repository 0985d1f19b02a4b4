// swift-tools-version:6.1
import Foundation
import PackageDescription

/// `make release` links the Swift runtime into the binaries and sets MZT_STATIC_RELEASE=1;
/// only then are the client and the conductor linked at a fixed address (against the shared runtime of a plain
/// build the loader would warn on every start).
let staticRelease = ProcessInfo.processInfo.environment["MZT_STATIC_RELEASE"] == "1"

/// In that build every executable also takes the C++ runtime from `libstdc++.a`: the
/// Makefile writes `.build/static-cxx/libstdc++.so`, a linker script naming the archive,
/// and this search path finds it before the shared library. The loader then has no
/// `libstdc++.so` to map and relocate at every start (5,000 relocations, about 0.4 ms).
///
/// It also keeps the executables' own symbols out of the dynamic symbol table (the driver
/// exports them all): at every start the runtime's `dladdr` scans that table linearly, and
/// the loader searches it for each symbol libc resolves, about a fifth of a short command's
/// CPU with 8,700 exported symbols. The full symbol table and debug information stay in the
/// file for debuggers and symbolication.
let staticCxxFlags: [LinkerSetting] =
    staticRelease
    ? [
        .unsafeFlags(
            ["-L\(Context.packageDirectory)/.build/static-cxx", "-Xlinker", "--no-export-dynamic"], .when(platforms: [.linux], configuration: .release)
        )
    ] : []

let fixedAddressFlags: [LinkerSetting] =
    staticRelease
    ? [.unsafeFlags(["-Xclang-linker", "-no-pie"], .when(platforms: [.linux], configuration: .release))] + staticCxxFlags : []

/// In that build the client is a fully static executable: no dynamic loader runs at its
/// start, no shared C library is mapped and relocated (about an eighth of a short command's
/// wall time). The conductor stays dynamically linked against the C library: linked
/// statically it spent twice the system time per job.
let staticClient: [LinkerSetting] =
    staticRelease ? [.unsafeFlags(["-static-executable"], .when(platforms: [.linux], configuration: .release))] : []

/// In that build each function has a section of its own (the Makefile's `-function-sections`),
/// and the linker places the functions an executable runs for everyday work side by side, in
/// the order `scripts/link-order/<executable>.txt` lists them (written by
/// `scripts/link-order.sh`). The kernel maps code 64 KB around each page it faults in, so
/// scattered hot code made the conductor keep most of its 28 MB of code resident and a short
/// command fault in hundreds of pages. A function the list lacks is only placed after it.
func linkOrder(_ executable: String) -> [LinkerSetting] {
    let list = "\(Context.packageDirectory)/scripts/link-order/\(executable).txt"
    guard staticRelease, FileManager.default.fileExists(atPath: list) else { return [] }
    return [.unsafeFlags(["-Xlinker", "--section-ordering-file=\(list)"], .when(platforms: [.linux], configuration: .release))]
}

let package = Package(
    name: "Marianne",
    products: [
        .executable(name: "mzt", targets: ["mzt"]),
        .executable(name: "mzt-conductor", targets: ["mzt-conductor"]),
        .library(name: "MarianneClient", targets: ["MarianneClient"]),
        .library(name: "MarianneConductor", targets: ["MarianneConductor"]),
        .library(name: "MarianneCore", targets: ["MarianneCore"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
        .package(url: "https://github.com/attaswift/BigInt", from: "6.0.0"),
    ],
    targets: [
        // The released client and conductor (`make release`) are fixed-address executables: a
        // position-independent one spends a fifth of a short command's start applying
        // ~79,000 relocations, and the conductor kept the 2.9 MB of relocation records and
        // the pages they dirtied resident for its whole life (2.8 MB of RSS).
        .executableTarget(name: "mzt", dependencies: ["MarianneCLI"], linkerSettings: fixedAddressFlags + linkOrder("mzt") + staticClient),
        .executableTarget(
            name: "mzt-conductor", dependencies: ["MarianneConductor", "MarianneGateway", "CMarianneShims"],
            linkerSettings: fixedAddressFlags + linkOrder("mzt-conductor")
        ),
        .executableTarget(name: "mzt-bench", dependencies: ["MarianneClient", "MarianneProtocol"], linkerSettings: staticCxxFlags),
        .target(
            name: "MarianneCLI",
            dependencies: [
                "MarianneClient", "MarianneCore", "MarianneProtocol", "CMarianneShims",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "MarianneClient", dependencies: ["MarianneProtocol", "CMarianneShims"]),
        .target(name: "MarianneProtocol"),
        .target(
            name: "MarianneCore",
            dependencies: ["MarianneProtocol", "CMarianneShims", .product(name: "Yams", package: "Yams"), .product(name: "BigInt", package: "BigInt")]
        ),
        .target(name: "CMarianneShims"),
        .target(
            name: "MarianneConductor",
            dependencies: [
                "MarianneCore", "MarianneProtocol", "CMarianneShims",
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .target(
            name: "MarianneGateway",
            dependencies: [
                "MarianneConductor", "MarianneProtocol", "MarianneCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .target(
            name: "MarianneTestSupport",
            dependencies: ["MarianneClient", "MarianneProtocol", "MarianneCore"]
        ),
        .testTarget(name: "MarianneCoreTests", dependencies: ["MarianneCore", "MarianneTestSupport"]),
        .testTarget(name: "MarianneProtocolTests", dependencies: ["MarianneProtocol"]),
        .testTarget(name: "MarianneClientTests", dependencies: ["MarianneClient", "MarianneTestSupport"]),
        .testTarget(
            name: "MarianneConductorTests",
            dependencies: [
                "MarianneConductor", "MarianneTestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "MarianneCLITests", dependencies: ["MarianneCLI", "MarianneTestSupport"]),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                "MarianneClient", "MarianneProtocol", "MarianneTestSupport",
                .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(name: "EndToEndTests", dependencies: ["MarianneClient", "MarianneProtocol", "MarianneCore", "MarianneTestSupport"]),
    ]
)
