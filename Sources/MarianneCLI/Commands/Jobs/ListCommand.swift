import ArgumentParser
import Foundation
import MarianneProtocol
import MarianneClient

/// `mzt list`: jobs, newest first.
struct ListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list",
        abstract: "List jobs, newest first.",
        discussion: """
            Without --all or --status, jobs that finished more than a day ago are left out. At most 20 jobs are shown \
            unless --limit says otherwise; a last line says when there are more. On a terminal, long ids are \
            shortened with an ellipsis so that rows fit; --wide (or a pipe, or --json) shows them whole, with the group \
            and label. RAN is the time a job ran; WALL the time since it first started.
            """
    )

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Include every job, however old.")
    var all = false

    @Option(help: "Only jobs with this status.")
    var status: [JobStatus] = []

    @Option(help: "Only jobs whose id or name contains this text.")
    var name: String?

    @Option(help: "At most this many jobs (\(ListCommand.defaultLimit) by default).")
    var limit: Int?

    @Flag(help: "Whole ids, and the group and label of each job.")
    var wide = false

    func validate() throws {
        try NumericFlags.count(limit, flag: "--limit", in: 1...1_000_000)
    }

    func run() async throws {
        try Self.perform(global.context, status: status, name: name, limit: limit, all: all, wide: wide)
    }

    /// How many jobs a listing shows without `--limit`, as in Marianne.
    static let defaultLimit = 20

    static func perform(_ global: ClientContext, status: [JobStatus], name: String?, limit: Int?, all: Bool, wide: Bool) throws {
        let params = ListParams(status: status.isEmpty ? nil : status, name: name, limit: limit ?? defaultLimit, all: all ? true : nil)
        try global.withClientNow { client in
            let result = try client.callNow(RPCMethods.jobList, params)
            if global.json {
                print(Render.json(result))
                return
            }
            guard !result.jobs.isEmpty else {
                print(nothing(status: status, name: name, all: all))
                return
            }
            print(table(result.jobs, width: wide ? nil : Terminal.width, wide: wide, palette: .stdout, now: Date()))
            if result.nextCursor != nil { print(more(shown: result.jobs.count)) }
        }
    }

    /// The last line of a listing cut at its limit.
    static func more(shown: Int) -> String {
        "(the \(shown) newest shown; there are more: mzt list --limit \(max(shown * 5, 100)))"
    }

    /// What an empty listing says: which jobs there are none of.
    static func nothing(status: [JobStatus], name: String?, all: Bool) -> String {
        let which = status.isEmpty ? "" : Render.join(status.map(\.rawValue), " or ") + " "
        let named = name.map { " matching \"\($0)\"" } ?? ""
        if all || !status.isEmpty { return "no \(which)jobs\(named)" }
        return "no recent jobs\(named) (mzt list --all shows every job)"
    }

    /// `pending (#2)`, `pending (#3, after build)`, `pending (#1, at 14:05:00)`.
    static func statusText(_ job: JobSummary) -> String {
        var notes = job.queuePosition.map { ["#\($0)"] } ?? []
        if let after = job.after, !after.isEmpty { notes.append("after " + Render.join(after, ",")) }
        if let start = job.notBefore { notes.append("at " + Render.time(start)) }
        return job.status.rawValue + (notes.isEmpty ? "" : " (\(Render.join(notes, ", ")))")
    }

    static func table(_ jobs: [JobSummary], width: Int?, wide: Bool, palette: Palette, now: Date) -> String {
        var header = ["ID", "STATUS", "PROGRESS", "STARTED", "RAN", "WALL"]
        if wide { header += ["GROUP", "LABEL"] }
        let rows = jobs.map { job in
            var row = [
                job.jobID,
                statusText(job),
                job.totalSheets > 0 ? "\(job.completedSheets)/\(job.totalSheets)" : "-",
                Render.time(job.startedAt),
                Render.duration(job.startedAt == nil ? nil : job.runningSeconds),
                Render.duration(job.duration(now: now)),
            ]
            if wide { row += [job.group ?? "default", TerminalText.forStdout(job.label ?? "")] }
            return row
        }
        return Render.table(header, rows, width: width, shrink: 0) { column, text in
            guard column == 1, let word = text.split(separator: " ").first, let status = JobStatus(rawValue: String(word)) else { return text }
            return palette.status(status, text)
        }
    }
}
