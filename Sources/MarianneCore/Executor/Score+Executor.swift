extension Score {
    /// The executor of one sheet: the conductor's default (`fallback`), then the score's
    /// `executor`, then its movement's, then `sheet.per_sheet_executors`, each written over
    /// the one before (see `ExecutorConfig.resolve`).
    public func executor(for sheet: PlannedSheet, fallback: ExecutorConfig? = nil) -> ResolvedExecutor {
        ExecutorConfig.resolve([fallback, executor, movements[sheet.stage]?.executor, self.sheet.perSheetExecutors[sheet.number]])
    }
}
