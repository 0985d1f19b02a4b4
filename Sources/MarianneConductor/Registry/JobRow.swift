import Foundation
import GRDB
import MarianneProtocol

/// One row of the `jobs` table: what listings show, and what will run.
struct JobRow: Codable, Sendable, Equatable, FetchableRecord, PersistableRecord {
    static let databaseTableName = "jobs"

    var id: String
    var kind: String
    var name: String
    var status: String
    var workspace: String
    var configPath: String?
    var checkpointPath: String?
    var pid: Int32?
    var createdAt: Double
    var startedAt: Double?
    var finishedAt: Double?
    var error: String?
    var currentSheet: Int?
    var completedSheets: Int
    var totalSheets: Int
    /// Monotonic submission order; newest first in listings, and the paging cursor.
    var seq: Int
    /// Unused since checkpoints record the process groups; kept for registries of older builds.
    var processGroups: String? = nil
    /// The score YAML (or module request JSON) the job runs. The registry is private to the
    /// conductor's user; the copy in the workspace's checkpoint is never run.
    var configSnapshot: String? = nil
    /// Times the conductor crashed (a trap, not a kill) while this job ran.
    var crashCount: Int = 0

    enum CodingKeys: String, CodingKey, ColumnExpression {
        case id, kind, name, status, workspace, pid, error, seq
        case configPath = "config_path"
        case checkpointPath = "checkpoint_path"
        case createdAt = "created_at"
        case startedAt = "started_at"
        case finishedAt = "finished_at"
        case currentSheet = "current_sheet"
        case completedSheets = "completed_sheets"
        case totalSheets = "total_sheets"
        case processGroups = "process_groups"
        case configSnapshot = "config_snapshot"
        case crashCount = "crash_count"
    }

    var jobStatus: JobStatus { JobStatus(rawValue: status) ?? .failed }

    func summary(queuePosition: Int? = nil) -> JobSummary {
        JobSummary(
            jobID: id, kind: kind, name: name, status: jobStatus, workspace: workspace, configPath: configPath,
            checkpointPath: checkpointPath, pid: pid, createdAt: Date(timeIntervalSince1970: createdAt),
            startedAt: startedAt.map(Date.init(timeIntervalSince1970:)),
            finishedAt: finishedAt.map(Date.init(timeIntervalSince1970:)), error: error, currentSheet: currentSheet,
            completedSheets: completedSheets, totalSheets: totalSheets, queuePosition: queuePosition
        )
    }
}

/// The row read and written by hand, column by column: GRDB's Codable row coding went
/// through generic containers and cost about five times as much per row, and the registry
/// reads and writes a job's row several times per job.
extension JobRow {
    init(row: Row) throws {
        id = row[CodingKeys.id.rawValue]
        kind = row[CodingKeys.kind.rawValue]
        name = row[CodingKeys.name.rawValue]
        status = row[CodingKeys.status.rawValue]
        workspace = row[CodingKeys.workspace.rawValue]
        configPath = row[CodingKeys.configPath.rawValue]
        checkpointPath = row[CodingKeys.checkpointPath.rawValue]
        pid = row[CodingKeys.pid.rawValue]
        createdAt = row[CodingKeys.createdAt.rawValue]
        startedAt = row[CodingKeys.startedAt.rawValue]
        finishedAt = row[CodingKeys.finishedAt.rawValue]
        error = row[CodingKeys.error.rawValue]
        currentSheet = row[CodingKeys.currentSheet.rawValue]
        completedSheets = row[CodingKeys.completedSheets.rawValue]
        totalSheets = row[CodingKeys.totalSheets.rawValue]
        seq = row[CodingKeys.seq.rawValue]
        processGroups = row[CodingKeys.processGroups.rawValue]
        configSnapshot = row[CodingKeys.configSnapshot.rawValue]
        crashCount = row[CodingKeys.crashCount.rawValue]
    }

    func encode(to container: inout PersistenceContainer) throws {
        container[CodingKeys.id.rawValue] = id
        container[CodingKeys.kind.rawValue] = kind
        container[CodingKeys.name.rawValue] = name
        container[CodingKeys.status.rawValue] = status
        container[CodingKeys.workspace.rawValue] = workspace
        container[CodingKeys.configPath.rawValue] = configPath
        container[CodingKeys.checkpointPath.rawValue] = checkpointPath
        container[CodingKeys.pid.rawValue] = pid
        container[CodingKeys.createdAt.rawValue] = createdAt
        container[CodingKeys.startedAt.rawValue] = startedAt
        container[CodingKeys.finishedAt.rawValue] = finishedAt
        container[CodingKeys.error.rawValue] = error
        container[CodingKeys.currentSheet.rawValue] = currentSheet
        container[CodingKeys.completedSheets.rawValue] = completedSheets
        container[CodingKeys.totalSheets.rawValue] = totalSheets
        container[CodingKeys.seq.rawValue] = seq
        container[CodingKeys.processGroups.rawValue] = processGroups
        container[CodingKeys.configSnapshot.rawValue] = configSnapshot
        container[CodingKeys.crashCount.rawValue] = crashCount
    }
}

/// Fields a status transition sets besides the status. `nil` leaves a field as it is.
struct RowChanges: Sendable, Equatable {
    var startedAtIfUnset: Double?
    var finishedAt: Double??
    var error: String??
    var currentSheet: Int??
    var completedSheets: Int?
    var totalSheets: Int?
    var pid: Int32??
    var configSnapshot: String?
    var crashCount: Int?
    /// Seconds the job ran (kept when a run ends, for listings).
    var runningSeconds: Double?

    static let none = RowChanges()
}
