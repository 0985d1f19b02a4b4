import Foundation

/// The same work done by task-spooler (Debian's `task-spooler`, command `tsp`), side by side,
/// and the ratio of each of ours to it with its target.
enum Peers {
    static func binary() -> String? {
        ["/usr/bin/tsp", "/usr/bin/ts", "/usr/local/bin/tsp"].first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// task-spooler's figures, then one comparison row per figure of ours that has a peer.
    static func measure(runs: Int, jobs: Int, ours measuredOurs: [Figure]) -> (figures: [Figure], comparisons: [Comparison]) {
        guard let tsp = binary() else {
            Swift.print("task-spooler is not installed (apt-get install task-spooler); skipping peers")
            return ([], [])
        }
        let socket = NSTemporaryDirectory() + "mzt-bench-ts-\(getpid())"
        let env = ["TS_SOCKET": socket, "TS_MAXFINISHED": "100000", "TS_SLOTS": "4"]
        defer {
            Measure.run(tsp, ["-K"], environment: env)
            unlink(socket)
        }
        Measure.run(tsp, ["true"], environment: env)
        Measure.run(tsp, ["-w"], environment: env)
        let listing = (0..<runs).map { _ in Measure.time { Measure.run(tsp, [], environment: env) } }
        let submits = (0..<runs).map { _ in Measure.time { Measure.run(tsp, ["true"], environment: env) } }
        Measure.run(tsp, ["-w"], environment: env)
        let done = (0..<runs).map { _ in
            Measure.time {
                Measure.run(tsp, ["true"], environment: env)
                Measure.run(tsp, ["-w"], environment: env)
            }
        }
        Measure.run(tsp, ["-C"], environment: env)
        let batchTime = Measure.time {
            for _ in 0..<jobs { Measure.run(tsp, ["true"], environment: env) }
            Measure.run(tsp, ["-w"], environment: env)
        }
        Measure.run(tsp, ["-C"], environment: env)
        let clients = Bench.clients
        let concurrentTime = Measure.time {
            DispatchQueue.concurrentPerform(iterations: clients) { c in
                for _ in stride(from: c, to: jobs, by: clients) { Measure.run(tsp, ["true"], environment: env) }
            }
            Measure.run(tsp, ["-w"], environment: env)
        }
        let peak = server(socket: socket).map { Measure.peakRSS(pid: $0) } ?? .nan
        let rate = Double(jobs) / batchTime
        let concurrentRate = Double(jobs) / concurrentTime
        let figures = [
            Figure.samples("task-spooler: listing", listing, target: "-"),
            Figure.samples("task-spooler: one submit", submits, target: "-"),
            Figure.samples("task-spooler: submit to done, 1 true job", done, target: "-"),
            Figure(name: "task-spooler: \(jobs) true jobs back to back", unit: "jobs/s", median: rate, p90: rate, target: "-", met: nil),
            Figure(name: "task-spooler: \(jobs) true jobs from \(clients) clients at once", unit: "jobs/s", median: concurrentRate, p90: concurrentRate, target: "-", met: nil),
            Figure(name: "task-spooler: server peak RSS", unit: "MB", median: peak, p90: peak, target: "-", met: nil),
        ]
        func ours(_ prefix: String) -> Figure? { measuredOurs.first { $0.name.hasPrefix(prefix) } }
        let listMs = Measure.percentile(listing, 0.5) * 1000
        var comparisons: [Comparison] = []
        func time(_ prefix: String, _ theirs: Double, _ what: String, target: Double, stretch: Double) {
            guard let mine = ours(prefix) else { return }
            comparisons.append(Comparison(figure: mine.name, versus: what, ours: mine.median, theirs: theirs, unit: "ms", target: target, stretch: stretch, higherIsBetter: false))
        }
        func rateRow(_ prefix: String, _ theirs: Double, _ what: String) {
            guard let mine = ours(prefix) else { return }
            comparisons.append(Comparison(figure: mine.name, versus: what, ours: mine.median, theirs: theirs, unit: "jobs/s", target: 1.0, stretch: 1.5, higherIsBetter: true))
        }
        time("mzt list, whole process", listMs, "listing", target: 2.0, stretch: 1.3)
        time("mzt status ID", listMs, "listing", target: 2.0, stretch: 1.3)
        time("mzt conductor-status", listMs, "listing", target: 2.0, stretch: 1.3)
        time("mzt submit, whole process", Measure.percentile(submits, 0.5) * 1000, "one submit", target: 2.0, stretch: 1.3)
        time("1-sheet true score, submit to completed", Measure.percentile(done, 0.5) * 1000, "submit to done", target: 1.5, stretch: 1.0)
        rateRow("\(jobs) 1-sheet true jobs back to back", rate, "\(jobs) jobs back to back")
        rateRow("\(jobs) 1-sheet true jobs from", concurrentRate, "\(jobs) jobs from \(clients) clients")
        if let mine = ours("conductor peak RSS") {
            comparisons.append(Comparison(figure: mine.name, versus: "server peak RSS", ours: mine.median, theirs: peak, unit: "MB", target: nil, stretch: nil, higherIsBetter: false))
        }
        return (figures, comparisons)
    }

    /// The task-spooler server of this socket: the `tsp` process whose environment names it.
    static func server(socket: String) -> Int32? {
        let marker = Array("TS_SOCKET=\(socket)".utf8)
        for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
            guard let pid = Int32(name),
                let comm = try? String(contentsOfFile: "/proc/\(name)/comm", encoding: .utf8),
                comm.hasPrefix("ts"),
                let environ = FileManager.default.contents(atPath: "/proc/\(name)/environ")
            else { continue }
            if environ.split(separator: 0).contains(where: { Array($0) == marker }) { return pid }
        }
        return nil
    }
}

/// One of our figures against task-spooler's doing the same work, in one run.
struct Comparison {
    var figure: String
    var versus: String
    var ours: Double
    var theirs: Double
    var unit: String
    /// The ratio to reach: at most this (times) or at least this (rates); nil when only shown.
    var target: Double?
    var stretch: Double?
    var higherIsBetter: Bool

    /// ours / theirs.
    var ratio: Double { ours / theirs }

    func meets(_ bound: Double?) -> Bool? {
        guard let bound, !ratio.isNaN else { return nil }
        return higherIsBetter ? ratio >= bound : ratio <= bound
    }
}
