import Foundation
import MarianneCore
import MarianneProtocol

/// An installed module: a folder with `module.json` and an executable entrypoint in any
/// language. It gets one JSON line on stdin (`job_id`, `inputs`, `settings`, `checkpoint`)
/// and writes JSON lines on stdout: `{"log": ..., "level": ...}`, `{"result": {...}}`,
/// `{"checkpoint": {...}}`. Other stdout lines are logged at INFO, stderr lines at ERROR.
/// Exit 0 completes the job. Its stdout is read with back-pressure (a module that writes
/// faster than the conductor stores waits, nothing is lost and memory stays bounded); its
/// stderr is only shown, so lines beyond the buffer are dropped and counted.
struct ExecutableModule: JobModule {
    let manifest: ModuleManifest
    let folder: String
    let workspace: String
    let killGrace: Double
    let environment: [String: String]
    let onStart: @Sendable (Int32) async -> Void

    struct ExitFailure: Error, CustomStringConvertible {
        let status: ExitStatus
        var description: String { "module exited with \(status)" }
    }

    func run(_ context: JobContext, inputs: [String: JSONValue], settings: [String: JSONValue], checkpoint: JSONValue?) async throws {
        var request: [String: JSONValue] = [
            "job_id": .string(context.jobID), "inputs": .object(inputs), "settings": .object(settings),
        ]
        request["checkpoint"] = checkpoint ?? .null
        var line = try JSONEncoder.wire.encode(JSONValue.object(request))
        line.append(UInt8(ascii: "\n"))
        var environment = self.environment
        environment["MZT_JOB_ID"] = context.jobID
        environment["MZT_WORKSPACE"] = workspace
        environment["MZT_MODULE_DIR"] = folder
        let stdout = OutputLines(overflow: .wait, capacity: 256) { event in
            if case .line(let text) = event { await Self.handle(stdout: text, context: context) }
        }
        let stderr = OutputLines(overflow: .drop, capacity: 256) { event in
            switch event {
            case .line(let text): await context.log(text, level: "ERROR")
            case .dropped(let count): await context.log("\(count) stderr lines of the module not logged (too fast)", level: "WARNING")
            }
        }
        let spec = ProcessSpec(
            executable: (folder as NSString).appendingPathComponent(manifest.entrypoint), arguments: [],
            environment: environment, workingDirectory: workspace, stdin: .bytes(Array(line)),
            stdout: .lines(stdout), stderr: .lines(stderr)
        )
        let onStart = self.onStart
        let outcome = try await ProcessRunner.run(spec, grace: killGrace) { process in await onStart(process.processGroup) }
        if outcome.cancelled { throw CancellationError() }
        guard outcome.status.exitCode == 0 else { throw ExitFailure(status: outcome.status) }
    }

    static func handle(stdout text: String, context: JobContext) async {
        guard text.hasPrefix("{"),
              let value = try? JSONDecoder.wire.decode(JSONValue.self, from: Data(text.utf8)),
              case .object(let object) = value
        else {
            if !text.isEmpty { await context.log(text, level: "INFO") }
            return
        }
        if let message = object["log"] {
            await context.log(message.stringValue ?? Self.text(message), level: object["level"]?.stringValue ?? "INFO")
        } else if let result = object["result"] {
            await context.saveResult(result)
        } else if let checkpoint = object["checkpoint"] {
            await context.saveCheckpoint(checkpoint)
        } else {
            await context.log(text, level: "INFO")
        }
    }

    static func text(_ value: JSONValue) -> String {
        (try? String(decoding: JSONEncoder.wire.encode(value), as: UTF8.self)) ?? ""
    }
}
