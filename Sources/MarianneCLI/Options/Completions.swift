import Foundation
import MarianneClient
import MarianneCore
import MarianneProtocol

/// Shell completion of values only the conductor knows (job ids, modules), asked when the
/// user presses TAB: the conductor gets half a second, and a conductor that is down gives no
/// candidates and no message. Instrument names and enum values need no conductor.
enum Completions {
    /// Seconds a completion waits for the conductor, connection included.
    static let patience = 0.5

    static let jobIDs: @Sendable ([String], Int, String) async -> [String] = { words, _, prefix in
        await jobs(words: words, prefix: prefix, statuses: nil)
    }

    static let activeJobIDs: @Sendable ([String], Int, String) async -> [String] = { words, _, prefix in
        await jobs(words: words, prefix: prefix, statuses: [.pending, .running, .paused])
    }

    static let modules: @Sendable ([String], Int, String) async -> [String] = { words, _, prefix in
        let names = await ask(words) { client in try await client.call(RPCMethods.moduleList, Empty(), timeout: patience).modules.map(\.id) }
        return (names ?? []).filter { $0.hasPrefix(prefix) }.sorted()
    }

    /// `mzt run`: score files (`.yaml`, `.yml`) under the typed prefix, and module ids.
    static let runTargets: @Sendable ([String], Int, String) async -> [String] = { words, index, prefix in
        let modules = await Completions.modules(words, index, prefix)
        return scoreFiles(prefix) + modules
    }

    static func scoreFiles(_ prefix: String) -> [String] {
        let directory = prefix.contains("/") ? String(prefix[..<(prefix.lastIndex(of: "/") ?? prefix.startIndex)]) : "."
        let lead = prefix.contains("/") ? directory + "/" : ""
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory.isEmpty ? "/" : directory)) ?? []
        return names.map { lead + $0 }.filter { $0.hasPrefix(prefix) && ($0.hasSuffix(".yaml") || $0.hasSuffix(".yml")) }.sorted()
    }

    static let instruments: @Sendable ([String], Int, String) -> [String] = { _, _, prefix in
        // The builtin profiles and the names scores may use for them (user profiles are
        // files: listing them would cost every completion a directory scan).
        InstrumentCatalog().names.union(InstrumentNames.known).filter { $0.hasPrefix(prefix) }.sorted()
    }

    static func jobs(words: [String], prefix: String, statuses: [JobStatus]?) async -> [String] {
        let ids = await ask(words) { client in
            try await client.call(RPCMethods.jobList, ListParams(status: statuses, limit: 1000, all: true), timeout: patience).jobs.map(\.jobID)
        }
        return (ids ?? []).filter { $0.hasPrefix(prefix) }
    }

    /// The conductor named by `--home` in the words being completed (or `$MZT_HOME`).
    static func home(_ words: [String]) -> ConductorHome {
        var explicit: String?
        for (index, word) in words.enumerated() {
            if word == "--home", index + 1 < words.count { explicit = words[index + 1] }
            if word.hasPrefix("--home=") { explicit = String(word.dropFirst("--home=".count)) }
        }
        return ConductorHome.resolve(explicit: explicit.map { NSString(string: $0).expandingTildeInPath })
    }

    /// Runs `body` against the conductor, nil on any failure.
    static func ask<T: Sendable>(_ words: [String], _ body: @Sendable (DaemonClient) async throws -> T) async -> T? {
        try? await body(DaemonClient(socketPath: home(words).socketPath, connectTimeout: patience))
    }
}
