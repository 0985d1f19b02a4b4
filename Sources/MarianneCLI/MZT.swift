import ArgumentParser
import MarianneProtocol

/// The `mzt` command: a thin client of the conductor.
@available(macOS 10.15, *)
public struct MZT: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "mzt",
        abstract: "Run and control jobs through the Marianne conductor.",
        version: marianneVersion,
        subcommands: [
            StartCommand.self, StopCommand.self, RestartCommand.self, ConductorStatusCommand.self,
            SubmitCommand.self, ValidateCommand.self, ListCommand.self, StatusCommand.self, WaitCommand.self,
            PauseCommand.self, ResumeCommand.self, CancelCommand.self, LogsCommand.self, ResultsCommand.self,
            HealthCommand.self, DeleteCommand.self, ClearCommand.self, RunCommand.self, ModuleCommand.self,
            HTTPTokenCommand.self, InstrumentsCommand.self, ClearRateLimitsCommand.self,
        ]
    )

    public init() {}
}

/// Runs `mzt` with the process arguments (the async entry point of ArgumentParser).
public func runMZT() async {
    let command: AsyncParsableCommand.Type = MZT.self
    await command.main()
}
