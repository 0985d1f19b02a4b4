import Foundation
import MarianneClient
import MarianneProtocol

/// Starts release conductors on temporary homes and measures them from outside.
final class Bench {
    /// Clients submitting at once in the concurrent figures.
    static let clients = 8
    let mzt: String
    let root: String
    private var homes: [String] = []

    init(mzt: String) throws {
        self.mzt = mzt
        var template = Array("/tmp/mzt-bench-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw POSIXError(.EIO) }
        root = String(cString: made)
    }

    func newHome(_ name: String) -> String {
        let home = "\(root)/\(name)"
        try? FileManager.default.createDirectory(atPath: home, withIntermediateDirectories: true)
        try? "max_concurrent_jobs: 4\ncleanup_age: never\n".write(toFile: home + "/conductor.yaml", atomically: true, encoding: .utf8)
        homes.append(home)
        return home
    }

    func cleanup() {
        for home in homes { Measure.run(mzt, ["stop", "--yes", "--home", home]) }
        try? FileManager.default.removeItem(atPath: root)
    }

    func score(_ name: String, sheets: Int) -> String {
        let path = "\(root)/\(name).yaml"
        let yaml = "name: \(name)\nworkspace: ./ws-\(name)\nsheet: {size: 1, total_items: \(sheets)}\nprompt: {template: \"true\"}\nbackend: {type: command}\n"
        try? yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Submit and wait until completed, through the client library.
    func runJob(_ client: DaemonClient, path: String, id: String) async throws {
        _ = try await client.call(RPCMethods.jobSubmit, SubmitParams(configPath: path, id: id))
        let done = try await client.call(RPCMethods.jobWait, WaitParams(jobID: id), timeout: 600)
        guard done.job.status == .completed else { throw BenchError("job \(id) ended \(done.job.status.rawValue)") }
    }

    func rss(_ client: DaemonClient) async throws -> Double {
        Double(try await client.call(RPCMethods.conductorStatus, Empty()).rssBytes) / 1_048_576
    }

    func conductorFigures(count: (Int) -> Int) async throws -> [Figure] {
        var figures: [Figure] = []
        // Start and idle stop, whole process.
        let cycleHome = newHome("cycle")
        var starts: [Double] = []
        var stops: [Double] = []
        for _ in 0..<count(20) {
            starts.append(Measure.time { Measure.run(mzt, ["start", "--home", cycleHome]) })
            stops.append(Measure.time { Measure.run(mzt, ["stop", "--yes", "--home", cycleHome]) })
        }
        figures.append(Figure.samples("conductor start to answering (mzt start)", starts, target: "<= 50 ms", limitMs: 50))
        figures.append(Figure.samples("conductor idle stop (mzt stop)", stops, target: "<= 100 ms", limitMs: 100))

        let home = newHome("main")
        Measure.run(mzt, ["start", "--home", home])
        let client = DaemonClient(socketPath: home + "/conductor.sock")
        let env = ["MZT_HOME": home]
        let idleRSS = try await rss(client)

        let lists = (0..<count(100)).map { _ in Measure.time { Measure.run(mzt, ["list"], environment: env) } }
        let statuses = (0..<count(100)).map { _ in Measure.time { Measure.run(mzt, ["conductor-status"], environment: env) } }
        figures.append(Figure.samples("mzt list, whole process", lists, target: "<= 3 ms", limitMs: 3))
        figures.append(Figure.samples("mzt conductor-status, whole process", statuses, target: "<= 3 ms", limitMs: 3))

        let one = score("one", sheets: 1)
        let submits = (0..<count(50)).map { i in
            Measure.time { Measure.run(mzt, ["submit", one, "--id", "submit-\(i)"], environment: env) }
        }
        figures.append(Figure.samples("mzt submit, whole process", submits, target: "-"))
        for i in 0..<submits.count {
            _ = try await client.call(RPCMethods.jobWait, WaitParams(jobID: "submit-\(i)"), timeout: 600)
        }
        var singles: [Double] = []
        for i in 0..<count(50) {
            singles.append(try await Measure.time { try await runJob(client, path: one, id: "one-\(i)") })
        }
        figures.append(Figure.samples("1-sheet true score, submit to completed", singles, target: "<= 6 ms", limitMs: 6))

        let ten = score("ten", sheets: 10)
        var tens: [Double] = []
        for i in 0..<count(20) {
            tens.append(try await Measure.time { try await runJob(client, path: ten, id: "ten-\(i)") })
        }
        figures.append(Figure.samples("10-sheet true score, submit to completed", tens, target: "<= 30 ms", limitMs: 30))

        let big = score("big", sheets: 1000)
        let bigTime = try await Measure.time { try await runJob(client, path: big, id: "big") }
        figures.append(Figure(name: "1000-sheet true score", unit: "sheets/s", median: 1000 / bigTime, p90: 1000 / bigTime, target: ">= 400", met: 1000 / bigTime >= 400))

        let batch = count(1000)
        let batchTime = try await Measure.time {
            for i in 0..<batch {
                _ = try await client.call(RPCMethods.jobSubmit, SubmitParams(configPath: one, id: "batch-\(i)"))
            }
            for i in 0..<batch {
                _ = try await client.call(RPCMethods.jobWait, WaitParams(jobID: "batch-\(i)"), timeout: 600)
            }
        }
        let rate = Double(batch) / batchTime
        figures.append(Figure(name: "\(batch) 1-sheet true jobs back to back", unit: "jobs/s", median: rate, p90: rate, target: ">= 700", met: rate >= 700))

        // The same number from 8 clients at once, each on its own connection.
        let socket = home + "/conductor.sock"
        let concurrentTime = try await Measure.time {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<Self.clients {
                    group.addTask {
                        let own = DaemonClient(socketPath: socket)
                        for i in stride(from: c, to: batch, by: Self.clients) {
                            _ = try await own.call(RPCMethods.jobSubmit, SubmitParams(configPath: one, id: "par-\(i)"))
                        }
                    }
                }
                try await group.waitForAll()
            }
            for i in 0..<batch {
                _ = try await client.call(RPCMethods.jobWait, WaitParams(jobID: "par-\(i)"), timeout: 600)
            }
        }
        let concurrentRate = Double(batch) / concurrentTime
        figures.append(Figure(name: "\(batch) 1-sheet true jobs from \(Self.clients) clients at once", unit: "jobs/s", median: concurrentRate, p90: concurrentRate, target: "-", met: nil))

        let statusRuns = (0..<count(100)).map { _ in Measure.time { Measure.run(mzt, ["status", "batch-0"], environment: env) } }
        figures.append(Figure.samples("mzt status ID, whole process", statusRuns, target: "<= 3 ms", limitMs: 3))
        let pid = try await client.call(RPCMethods.conductorStatus, Empty()).pid
        let peak = Measure.peakRSS(pid: pid)
        figures.append(Figure(name: "conductor peak RSS after the batches", unit: "MB", median: peak, p90: peak, target: "-", met: nil))

        // Pipelined health on one connection.
        let requests = count(20_000)
        let pipelined = try Pipelined.health(socket: home + "/conductor.sock", requests: requests)
        figures.append(Figure(name: "pipelined conductor.health, one connection", unit: "req/s", median: pipelined, p90: pipelined, target: ">= 20000", met: pipelined >= 20_000))

        // A registry with 10k finished jobs.
        let emptyHome = newHome("empty")
        Measure.run(mzt, ["start", "--home", emptyHome])
        let emptyClient = DaemonClient(socketPath: emptyHome + "/conductor.sock")
        let emptyList = (0..<count(50)).map { _ in Measure.time { Measure.run(mzt, ["list"], environment: ["MZT_HOME": emptyHome]) } }
        var emptySubmits: [Double] = []
        for i in 0..<count(30) {
            emptySubmits.append(try await Measure.time { try await runJob(emptyClient, path: one, id: "e-\(i)") })
        }
        // The same home with a page of jobs: what `mzt list` shows, rows and all, before the
        // registry grows.
        let pageList = (0..<count(50)).map { _ in Measure.time { Measure.run(mzt, ["list"], environment: ["MZT_HOME": emptyHome]) } }
        let finished = count(10_000)
        for i in 0..<finished {
            _ = try await client.call(RPCMethods.jobSubmit, SubmitParams(configPath: one, id: "fill-\(i)"))
        }
        _ = try await client.call(RPCMethods.jobWait, WaitParams(jobID: "fill-\(finished - 1)"), timeout: 600)
        for i in stride(from: 0, to: finished, by: 997) {
            _ = try await client.call(RPCMethods.jobWait, WaitParams(jobID: "fill-\(i)"), timeout: 600)
        }
        let fullRSS = try await rss(client)
        let fullList = (0..<count(50)).map { _ in Measure.time { Measure.run(mzt, ["list"], environment: env) } }
        var fullSubmits: [Double] = []
        for i in 0..<count(30) {
            fullSubmits.append(try await Measure.time { try await runJob(client, path: one, id: "f-\(i)") })
        }
        figures.append(Figure(name: "conductor RSS idle", unit: "MB", median: idleRSS, p90: idleRSS, target: "<= 15", met: idleRSS <= 15))
        figures.append(Figure(name: "conductor RSS, \(finished + batch + 100) finished jobs", unit: "MB", median: fullRSS, p90: fullRSS, target: "<= 40", met: fullRSS <= 40))
        let listRatio = Measure.percentile(fullList, 0.5) / Measure.percentile(emptyList, 0.5)
        let submitRatio = Measure.percentile(fullSubmits, 0.5) / Measure.percentile(emptySubmits, 0.5)
        let pageRatio = Measure.percentile(fullList, 0.5) / Measure.percentile(pageList, 0.5)
        figures.append(Figure.samples("mzt list, a page of \(min(emptySubmits.count, 20)) jobs, whole process", pageList, target: "-"))
        figures.append(Figure(name: "mzt list, \(finished) jobs vs empty", unit: "x", median: listRatio, p90: listRatio, target: "<= 1.2", met: listRatio <= 1.2))
        figures.append(Figure(name: "mzt list, \(finished) jobs vs a page of jobs", unit: "x", median: pageRatio, p90: pageRatio, target: "<= 1.1", met: pageRatio <= 1.1))
        figures.append(Figure(name: "submit to completed, \(finished) jobs vs empty", unit: "x", median: submitRatio, p90: submitRatio, target: "<= 1.2", met: submitRatio <= 1.2))
        return figures
    }
}

struct BenchError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Many requests written at once on one connection, answers read back.
enum Pipelined {
    static func health(socket path: String, requests: Int) throws -> Double {
        let fd = Glibc.socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (i, byte) in path.utf8.enumerated() { raw[i] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw BenchError("cannot connect to \(path)") }
        let line = Array(#"{"jsonrpc":"2.0","id":1,"method":"conductor.health"}"#.utf8) + [10]
        let payload = Array([[UInt8]](repeating: line, count: requests).joined())
        let start = Measure.now()
        let writer = Thread {
            var offset = 0
            while offset < payload.count {
                let n = payload[offset...].withUnsafeBytes { write(fd, $0.baseAddress, min($0.count, 1 << 16)) }
                if n <= 0 { break }
                offset += n
            }
        }
        writer.start()
        var answered = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while answered < requests {
            let n = read(fd, &buffer, buffer.count)
            if n <= 0 { throw BenchError("connection closed after \(answered) answers") }
            answered += buffer[..<n].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
        }
        return Double(requests) / (Double(Measure.now() - start) / 1e9)
    }
}
