import Foundation
import MarianneProtocol
import MarianneCore

/// An installed module: a folder with `module.json` and an executable entrypoint in any
/// language. It gets one JSON line on stdin (`job_id`, `inputs`, `settings`, `checkpoint`)
/// and writes JSON lines on stdout: `{"log": ..., "level": ...}`, `{"result": {...}}`,
/// `{"checkpoint": {...}}`. Other stdout lines are logged at INFO, stderr lines at ERROR.
/// Exit 0 completes the job.
struct ExecutableModule: JobModule {
    let manifest: ModuleManifest
    let folder: String
    let workspace: String
    let killGrace: Double
    let onStart: @Sendable (ChildProcess) async -> Void

    struct ExitFailure: Error, CustomStringConvertible {
        let status: ExitStatus
        var description: String { "module exited with \(SheetExecutor.describe(status))" }
    }

    func run(_ context: JobContext, inputs: [String: JSONValue], settings: [String: JSONValue], checkpoint: JSONValue?) async throws {
        var request: [String: JSONValue] = [
            "job_id": .string(context.jobID), "inputs": .object(inputs), "settings": .object(settings),
        ]
        request["checkpoint"] = checkpoint ?? .null
        var line = try JSONEncoder.wire.encode(JSONValue.object(request))
        line.append(UInt8(ascii: "\n"))
        var environment = ProcessInfo.processInfo.environment
        environment["MZT_JOB_ID"] = context.jobID
        environment["MZT_WORKSPACE"] = workspace
        environment["MZT_MODULE_DIR"] = folder
        let spec = ProcessSpec(
            executable: (folder as NSString).appendingPathComponent(manifest.entrypoint), arguments: [],
            environment: environment, workingDirectory: workspace, stdin: .bytes(Array(line)),
            stdout: .lines, stderr: .lines
        )
        let child = try ChildProcess.spawn(spec)
        await onStart(child)
        let status = await withTaskCancellationHandler {
            await withTaskGroup(of: Void.self) { group in
                if let lines = child.stdoutLines {
                    group.addTask {
                        for await text in lines { await Self.handle(stdout: text, context: context) }
                    }
                }
                if let lines = child.stderrLines {
                    group.addTask {
                        for await text in lines { await context.log(text, level: "ERROR") }
                    }
                }
            }
            return await child.wait()
        } onCancel: {
            Task { await child.terminateGroup(grace: killGrace) }
        }
        await child.terminateGroup(grace: killGrace)
        guard status.exitCode == 0 else { throw ExitFailure(status: status) }
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
