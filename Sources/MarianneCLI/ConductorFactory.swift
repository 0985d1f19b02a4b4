import MarianneConductor

/// The job side the conductor started by `mzt start` runs with.
func makeJobService(_ environment: ConductorEnvironment) async throws -> JobService? {
    try await JobScheduler.make(environment)
}
