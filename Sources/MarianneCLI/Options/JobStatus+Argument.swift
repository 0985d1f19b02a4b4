import ArgumentParser
import MarianneProtocol

/// Job statuses are flag values (`--status running`).
extension JobStatus: ExpressibleByArgument {}
