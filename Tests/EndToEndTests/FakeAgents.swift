import Foundation
import MarianneTestSupport

/// The fake agent executables of Tests/Fixtures/agents (one per builtin instrument) and what
/// they record of each call: argv, prompt, stdin, working folder, environment names.
enum FakeAgents {
    /// The folder holding `claude`, `codex`, `gemini`, `aider`, `goose`, `cline`, `crush`, `opencode`.
    static let folder: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/agents").path

    /// A PATH with the fakes first, for a conductor's environment.
    static var path: String { folder + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin") }

    /// One recorded call.
    struct Call {
        var tool: String
        var argv: [String]
        var prompt: String
        var stdin: String
        var cwd: String
        var environment: Set<String>
        var number: Int
        var pid: Int32
    }

    /// The calls recorded in `folder` (`FAKE_AGENT_RECORD`, else `WORKSPACE/.fake-agent`), in
    /// the order of their numbers per tool.
    static func calls(in folder: String, tool: String? = nil) -> [Call] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
        var calls: [Call] = []
        for name in names where name.hasSuffix(".json") {
            guard let data = FileManager.default.contents(atPath: folder + "/" + name),
                  let entry = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
                  let recorded = entry["tool"] as? String, tool == nil || recorded == tool else { continue }
            let number = Int(name.dropLast(5).split(separator: "-").last ?? "") ?? 0
            calls.append(Call(
                tool: recorded, argv: entry["argv"] as? [String] ?? [], prompt: entry["prompt"] as? String ?? "",
                stdin: entry["stdin"] as? String ?? "", cwd: entry["cwd"] as? String ?? "",
                environment: Set(entry["env_names"] as? [String] ?? []), number: number,
                pid: Int32(entry["pid"] as? Int ?? 0)
            ))
        }
        return calls.sorted { ($0.tool, $0.number) < ($1.tool, $1.number) }
    }

    /// A file of modes for `FAKE_AGENT_SCRIPT`: the Nth call takes line N.
    static func script(_ dir: TemporaryDirectory, _ name: String, _ modes: [String]) throws -> String {
        let path = dir.file(name)
        try (modes.joined(separator: "\n") + "\n").write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }
}
