import ArgumentParser
import Foundation
import MarianneClient
import MarianneCore
import MarianneProtocol

/// `mzt add [options] -- CMD ARGS...`: a one-sheet job from a command line, as pueue's `add`:
/// no YAML to write. The arguments are shell-quoted, so what runs is exactly what was typed
/// after `--`; it runs with bash in the workspace (the current directory by default).
struct AddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "add",
        abstract: "Queue a command line as a one-sheet job (no score needed).",
        discussion: """
            Everything after -- is the command and its arguments, each quoted for the shell (mzt add -- echo 'a b' runs \
            echo 'a b'); a single argument is taken as a shell command line as it is (mzt add -- 'make && make test'). \
            The job runs in --workspace (default: the current directory), with bash, without a time limit unless \
            --timeout. Its id is --id, or the command's name (with -2, -3, ... when that is taken). --after, --delay, \
            --label and --group queue it as with submit; mzt logs ID --output shows what it prints.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Option(help: "Job id (default: the command's name).")
    var id: String?

    @Option(help: ArgumentHelp("Directory the command runs in (default: the current one).", valueName: "dir"), completion: .directory)
    var workspace: String?

    @Option(help: ArgumentHelp("Stop the command after this long, e.g. 2h (default: no limit).", valueName: "duration"))
    var timeout: String?

    @Flag(help: "Wait for the job to end; exit 0 if it completed, 1 otherwise.")
    var wait = false

    @Flag(help: "Stream the job's log until it ends.")
    var follow = false

    @OptionGroup var queue: QueueFlags

    @Argument(parsing: .postTerminator, help: "The command and its arguments, after --.")
    var command: [String] = []

    func validate() throws {
        guard !command.isEmpty else { throw ValidationError("give the command after --, e.g. mzt add -- make test") }
        try NumericFlags.duration(timeout, flag: "--timeout", maximum: ScoreLimits.maxSeconds)
        if let id { try Self.checkID(id) }
    }

    static func checkID(_ id: String) throws {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        guard !id.isEmpty, id.count <= 64, !id.hasPrefix("."), id.allSatisfy(allowed.contains) else {
            throw ValidationError("invalid job id \"\(id)\": use 1-64 letters, digits, '.', '_' or '-', not starting with '.'")
        }
    }

    func run() async throws {
        let cwd = FileManager.default.currentDirectoryPath
        let directory = workspace.map { RealPath.resolve($0, relativeTo: cwd) } ?? cwd
        let line = Self.commandLine(command)
        let base = id ?? Self.name(for: command)
        try await global.withClient { client in
            var attempt = 1
            while true {
                let jobID = id ?? (attempt == 1 ? base : "\(base.prefix(58))-\(attempt)")
                let params = SubmitParams(
                    configContent: Self.score(name: jobID, command: line, workspace: directory, timeout: timeout),
                    workspace: directory, id: jobID, baseDirectory: cwd, replace: queue.replace, queue: queue.options(command: line)
                )
                do {
                    var result = try await client.call(RPCMethods.jobSubmit, params)
                    // Commands added from one directory share it by design: no warning for that.
                    result.warnings = result.warnings?.filter { !$0.hasPrefix("workspace ") }
                    try await SubmissionOutput.finish(result, client: client, global: global, wait: wait, follow: follow, verb: "added")
                    return
                } catch ClientError.rpc(let error) where id == nil && attempt < 1000
                    && (error.knownCode == .jobExists || error.knownCode == .alreadyRunning) {
                    attempt += 1
                }
            }
        }
    }

    /// The words as one shell command line: each quoted when it needs to be. One word is a
    /// command line already and is kept as it is.
    static func commandLine(_ words: [String]) -> String {
        if words.count == 1 { return words[0] }
        return words.map(ShellQuote.quote).joined(separator: " ")
    }

    /// A job id from the command's name: `/usr/bin/make` gives `make`.
    static func name(for words: [String]) -> String {
        let first = words.first.map { ($0.split(separator: " ").first.map(String.init) ?? $0) } ?? "command"
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-")
        var name = String((first as NSString).lastPathComponent.map { allowed.contains($0) ? $0 : "-" }.prefix(56))
        while name.hasPrefix(".") || name.hasPrefix("-") { name.removeFirst() }
        return name.isEmpty ? "command" : name
    }

    /// The one-sheet score: the command line is a template variable, so nothing in it is read
    /// as template syntax (`{{`, `{%`, `${#arr[@]}` run as typed).
    static func score(name: String, command: String, workspace: String, timeout: String?) -> String {
        func quoted(_ text: String) -> String {
            String(decoding: (try? JSONEncoder().encode(text)) ?? Data("\"\"".utf8), as: UTF8.self)
        }
        return """
            name: \(quoted(name))
            workspace: \(quoted(workspace))
            backend: {type: command, stream_output: false, timeout: \(quoted(timeout ?? "30d"))}
            sheet: {size: 1, total_items: 1}
            prompt:
              template: "{{ command }}"
              variables:
                command: \(quoted(command))

            """
    }
}
