import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient
import MarianneCore

/// `mzt submit SCORE|-`: hands a score to the conductor (or, with --dry-run, prints its plan).
struct SubmitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "submit",
        abstract: "Submit a score to the conductor and print the job id.",
        discussion: "Use - to read the score from standard input. --dry-run needs no conductor; with --json it prints the plan as JSON."
    )

    @OptionGroup var global: GlobalOptions

    @Argument(help: "The score file (YAML), or - for standard input.", completion: .file(extensions: ["yaml", "yml"]))
    var score: String

    @Option(help: "Job id (default: the score's name).")
    var id: String?

    @Option(help: "Workspace directory, instead of the score's.", completion: .directory)
    var workspace: String?

    @Option(name: .customLong("start-sheet"), help: "Start at this sheet; earlier sheets count as done.")
    var startSheet: Int?

    @Flag(name: .customLong("self-healing"), help: "After the retries, one more attempt with the failure context.")
    var selfHealing = false

    @Option(name: .customLong("max-duration"), help: "Stop the job after this long, e.g. 30m, 2h, 7d.")
    var maxDuration: String?

    @Flag(name: .customLong("dry-run"), help: "Validate and print the sheet plan without running anything.")
    var dryRun = false

    @Flag(help: "Wait for the job to end; exit 0 if it completed, 1 otherwise.")
    var wait = false

    @Flag(help: "Stream the job's log until it ends; exit 0 if it completed, 1 otherwise.")
    var follow = false

    @OptionGroup var queue: QueueFlags

    var submission: ScoreSubmission {
        ScoreSubmission(
            score: score, id: id, workspace: workspace, startSheet: startSheet, selfHealing: selfHealing, maxDuration: maxDuration,
            dryRun: dryRun, wait: wait, follow: follow, queue: queue
        )
    }

    func validate() throws {
        try submission.validate()
    }

    func run() async throws {
        try await submission.run(global: global)
    }
}
