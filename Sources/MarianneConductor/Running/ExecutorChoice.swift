import Foundation
import MarianneCore
import MarianneProtocol

/// Which executor runs each sheet of a job: the sheet's `executor` after inheritance
/// (conductor default, score, movement, sheet), and what a Slurm executor needs.
struct ExecutorChoice: Sendable {
    var resolve: @Sendable (PlannedSheet) -> ResolvedExecutor
    var service: SlurmService
    /// The conductor's home, named (hashed) in every Slurm job's comment.
    var home: String
    /// Why the job is being stopped, when it is (a shutdown leaves Slurm jobs running).
    var stopReason: @Sendable () -> StopRequest? = { nil }

    /// Every sheet on this machine.
    static let local = ExecutorChoice(resolve: { _ in .local }, service: .shared, home: "")

    /// The sheets of `loaded` with the executors its score gives them over `fallback` (the
    /// conductor's default).
    static func of(_ loaded: LoadedScore, fallback: ExecutorConfig?, home: String, service: SlurmService = .shared) -> ExecutorChoice {
        let score = loaded.score
        return ExecutorChoice(resolve: { sheet in score.executor(for: sheet, fallback: fallback) }, service: service, home: home)
    }

    func executor(for sheet: PlannedSheet) -> any SheetExecutor {
        switch resolve(sheet) {
        case .local:
            return LocalExecutor()
        case .slurm(let options):
            return SlurmExecutor(options: options, service: service, home: home, stopReason: stopReason)
        }
    }

    /// Whether any sheet of `sheets` runs on Slurm.
    func usesSlurm(_ sheets: [PlannedSheet]) -> Bool {
        sheets.contains { resolve($0).type == .slurm }
    }
}
