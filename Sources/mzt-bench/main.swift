import Foundation
import MarianneClient
import MarianneProtocol

// Benchmarks of a release `mzt` against the physical floor (and, with --peers, task-spooler).
// Usage: mzt-bench [--mzt PATH] [--quick] [--peers]

let arguments = CommandLine.arguments
if arguments.contains("--help") || arguments.contains("-h") {
    print("""
        Usage: mzt-bench [--mzt PATH] [--quick] [--peers]

        Starts release conductors on temporary homes and prints one table of medians and p90s.
          --mzt PATH   the mzt binary (default .build/release/mzt; mzt-conductor next to it)
          --quick      a fifth of the runs and jobs
          --peers      task-spooler (tsp) side by side, and each ratio with its target
        """)
    exit(0)
}
let quick = arguments.contains("--quick")
let peers = arguments.contains("--peers")
let mzt = arguments.firstIndex(of: "--mzt").map { arguments[$0 + 1] } ?? ".build/release/mzt"
guard FileManager.default.isExecutableFile(atPath: mzt) else {
    FileHandle.standardError.write(Data("mzt-bench: \(mzt) not found; build it with: swift build -c release --static-swift-stdlib\n".utf8))
    exit(66)
}
let scale = quick ? 0.2 : 1.0
func count(_ n: Int) -> Int { max(5, Int(Double(n) * scale)) }

let bench = try Bench(mzt: mzt)
defer { bench.cleanup() }
var figures: [Figure] = []
var comparisons: [Comparison] = []

print("measuring the floor ...")
figures += Floor.measure(runs: count(200))
print("measuring the conductor ...")
figures += try await bench.conductorFigures(count: count)
if peers {
    print("measuring task-spooler ...")
    let measured = Peers.measure(runs: count(100), jobs: count(1000), ours: figures)
    figures += measured.figures
    comparisons = measured.comparisons
}
Report.print(figures)
Report.print(comparisons)
