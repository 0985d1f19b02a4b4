import ArgumentParser
import MarianneCore
import MarianneProtocol

/// How a new job queues, for `submit`, `add` and `run`: replacing a finished job of the
/// same id, its group, label, the jobs it waits for and a delay.
struct QueueFlags: ParsableArguments {
    @Flag(help: "Replace a finished job with the same id (its log and results are lost); without it such an id is refused.")
    var replace = false

    @Option(help: ArgumentHelp("Run in this group (mzt group add NAME); its parallelism limits the job.", valueName: "name"))
    var group: String?

    @Option(help: ArgumentHelp("A label shown by mzt list and mzt status.", valueName: "text"))
    var label: String?

    @Option(
        parsing: .upToNextOption,
        help: ArgumentHelp("Start only after these jobs completed; if one fails, this job fails.", valueName: "id")
    )
    var after: [String] = []

    @Option(help: ArgumentHelp("Start no sooner than this long from now, e.g. 10m, 2h.", valueName: "duration"))
    var delay: String?

    func validate() throws {
        try NumericFlags.duration(delay, flag: "--delay", maximum: 366 * 86_400)
        if let label, label.count > 200 { throw ValidationError("--label must be at most 200 characters") }
        if after.count > 100 { throw ValidationError("--after may name at most 100 jobs") }
    }

    /// The queue options to send, nil when none is set.
    func options(command: String? = nil) -> QueueOptions? {
        let options = QueueOptions(group: group, label: label, after: after.isEmpty ? nil : after, delay: delay, command: command)
        return options.isEmpty ? nil : options
    }
}
