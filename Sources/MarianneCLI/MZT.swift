import ArgumentParser
import Foundation
import MarianneProtocol

/// The `mzt` command: a thin client of the conductor.
@available(macOS 10.15, *)
public struct MZT: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mzt",
        abstract: "Run and control jobs through the Marianne conductor.",
        discussion: "Exit codes: 0 ok, 1 failed, 64 usage, 65 invalid input, 66 cannot read, 69 no conductor, 75 busy or timed out (Docs/CLI.md).",
        version: marianneVersion,
        subcommands: [GenerateManualCommand.self],
        groupedSubcommands: [
            CommandGroup(name: "Conductor", subcommands: [
                StartCommand.self, StopCommand.self, RestartCommand.self, ConductorStatusCommand.self, TopCommand.self,
                DoctorCommand.self, ConfigCommand.self, HTTPTokenCommand.self, ClearRateLimitsCommand.self,
            ]),
            CommandGroup(name: "Jobs", subcommands: [
                SubmitCommand.self, RunCommand.self, AddCommand.self, ListCommand.self, StatusCommand.self, WaitCommand.self,
                LogsCommand.self, ResultsCommand.self, HealthCommand.self,
            ]),
            CommandGroup(name: "Control", subcommands: [
                PauseCommand.self, ResumeCommand.self, CancelCommand.self, KillCommand.self, RestartJobCommand.self,
                EditCommand.self, ModifyCommand.self, RecoverCommand.self, MoveCommand.self, DeleteCommand.self, ClearCommand.self,
            ]),
            CommandGroup(name: "Queue groups", subcommands: [GroupCommand.self, ParallelCommand.self]),
            CommandGroup(name: "Diagnosis", subcommands: [ErrorsCommand.self, DiagnoseCommand.self, HistoryCommand.self]),
            CommandGroup(name: "Scores and modules", subcommands: [ValidateCommand.self, InitCommand.self, ModuleCommand.self, InstrumentsCommand.self]),
        ]
    )

    public init() {}
}

/// `mzt`'s entry. The quick commands run first, on the main thread before any concurrency
/// starts (no pool thread is created for them, and the parser's model of the commands is
/// never built). Otherwise an unknown command is named as such (exit 64), with the closest
/// known one, and everything else goes through the argument parser, on the concurrency pool.
/// The main thread then only waits for `exit` (no command uses the main queue or the main
/// actor): `dispatchMain` would end it with `pthread_exit`, whose unwinding in the static
/// client sorts the frame tables of the whole binary first (about 40 ms a command).
public func mainMZT() -> Never {
    let arguments = Array(CommandLine.arguments.dropFirst())
    QuickCommands.run(arguments)
    if let problem = CommandNames.problem(arguments) {
        Problem.error(problem)
        exit(ExitCodes.usage)
    }
    Task {
        let command: AsyncParsableCommand.Type = MZT.self
        await command.main()
        exit(0)
    }
    while true { pause() }
}
