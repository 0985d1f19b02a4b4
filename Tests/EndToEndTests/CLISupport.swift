import Foundation
import MarianneTestSupport

/// How the CLI tests run `mzt`: with extra environment, on a pseudo-terminal, or in the
/// background with its standard output going to a file (to see when lines arrive).
enum CLI {
    /// A one-sheet score running `command`, written in the fixture's folder; returns its path.
    static func score(_ fx: JobFixture, _ name: String, _ command: String) throws -> String {
        let quoted = String(decoding: try JSONEncoder().encode(command), as: UTF8.self)
        return try fx.score(name, "name: \(name)\nworkspace: ./\(name)-ws\nsheet: {size: 1, total_items: 1}\nbackend: {type: command}\nprompt: {template: \(quoted)}\n")
    }

    /// Submits a one-sheet score running `command` as job `id`.
    @discardableResult
    static func submit(_ fx: JobFixture, _ id: String, _ command: String, wait: Bool = false) async throws -> CommandResult {
        let path = try score(fx, "s-\(id.prefix(40))", command)
        return try await fx.conductor.run(["submit", path, "--id", id] + (wait ? ["--wait"] : []))
    }

    /// `mzt add ARGS` run from a folder of the fixture, as from a project folder: a command
    /// added without --workspace runs there, never in the test's own working directory.
    static func add(_ fx: JobFixture, _ arguments: String...) async throws -> CommandResult {
        try FileManager.default.createDirectory(atPath: addFolder(fx), withIntermediateDirectories: true)
        return try await TestConductor.run(
            "/usr/bin/env", ["-C", addFolder(fx), TestConductor.binary, "add"] + arguments, environment: ["MZT_HOME": fx.conductor.home]
        )
    }

    /// The folder `add` runs from.
    static func addFolder(_ fx: JobFixture) -> String { fx.workspace("cwd") }

    /// Runs `mzt` against the fixture's conductor with `environment` added.
    static func run(_ fx: JobFixture, _ arguments: [String], environment: [String: String] = [:], stdin: String? = nil) async throws -> CommandResult {
        try await TestConductor.run(
            TestConductor.binary, arguments, environment: environment.merging(["MZT_HOME": fx.conductor.home]) { $1 }, stdin: stdin
        )
    }

    static var hasScript: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/script") }

    /// Runs `mzt ARGS` with its standard streams on a pseudo-terminal (util-linux `script`);
    /// `input` is typed into it.
    static func onTerminal(_ home: String, _ arguments: String, environment: [String: String] = [:], input: String? = nil) async throws -> CommandResult {
        let command = "\(TestConductor.binary) \(arguments)"
        return try await TestConductor.run(
            "/usr/bin/script", ["-qec", command, "/dev/null"],
            environment: environment.merging(["MZT_HOME": home, "TERM": "xterm"]) { $1 }, stdin: input
        )
    }

    /// A `mzt` process whose standard output goes to a file, read while it runs.
    final class Background: @unchecked Sendable {
        let process = Process()
        let output: String
        let errorOutput: String

        init(_ fx: JobFixture, _ arguments: [String], environment: [String: String] = [:]) throws {
            let name = UUID().uuidString.prefix(8)
            output = fx.dir.file("out-\(name).txt")
            errorOutput = fx.dir.file("err-\(name).txt")
            FileManager.default.createFile(atPath: output, contents: nil)
            FileManager.default.createFile(atPath: errorOutput, contents: nil)
            process.executableURL = URL(fileURLWithPath: TestConductor.binary)
            process.arguments = arguments
            process.environment = ProcessInfo.processInfo.environment.merging(environment.merging(["MZT_HOME": fx.conductor.home]) { $1 }) { $1 }
            process.standardOutput = FileHandle(forWritingAtPath: output)
            process.standardError = FileHandle(forWritingAtPath: errorOutput)
            process.standardInput = FileHandle.nullDevice
            try process.run()
        }

        var text: String { (try? String(contentsOfFile: output, encoding: .utf8)) ?? "" }
        /// What it wrote to standard error so far.
        var errors: String { (try? String(contentsOfFile: errorOutput, encoding: .utf8)) ?? "" }
        /// Both outputs and whether it still runs, for a failure's message.
        var described: String {
            "running: \(process.isRunning), stdout: \(text.debugDescription), stderr: \(errors.debugDescription)"
        }

        /// Waits for the process to exit (polling, with a deadline) and returns its status.
        func exitCode(timeout: Double = 60) async throws -> Int32 {
            try await Poll.until(timeout: timeout, interval: 0.05) { !self.process.isRunning }
            return process.terminationStatus
        }

        deinit {
            if process.isRunning { process.terminate() }
        }
    }
}
