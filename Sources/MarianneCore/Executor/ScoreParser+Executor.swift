import Yams

extension ScoreParser {
    /// `executor:` at the score, a movement or a sheet (see `ExecutorReader`).
    mutating func parseExecutor(_ node: Node, _ path: String) -> ExecutorConfig? {
        if Self.isNull(node) { return nil }
        return ExecutorReader.read(node, path: path, problems: &problems)
    }
}
