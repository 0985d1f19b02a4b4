/// What listings add to jobs' rows: each job's queue options (group, label, command) and
/// the time it ran, by job id.
struct RowDetails: Sendable {
    var queue: [String: JobQueueRow] = [:]
    var ran: [String: Double] = [:]
}
