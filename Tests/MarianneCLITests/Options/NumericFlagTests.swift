import ArgumentParser
import MarianneCLI
import Testing

/// Numbers on the command line are range-checked before anything runs: exit 64, the limit named.
struct NumericFlagTests {
    func refusal(_ arguments: [String]) -> (code: Int32, message: String)? {
        do {
            _ = try MZT.parseAsRoot(arguments)
            return nil
        } catch {
            return (MZT.exitCode(for: error).rawValue, MZT.message(for: error))
        }
    }

    @Test(arguments: [
        (["wait", "job", "--timeout", "99999999999"], "from 0 to 2592000"),
        (["wait", "job", "--timeout", "nan"], "from 0 to 2592000"),
        (["pause", "job", "--wait", "--timeout", "inf"], "from 0 to 2592000"),
        (["run", "module", "--setting", "delay=1e300"], "at most 9007199254740992"),
        (["run", "module", "--input", "n=-1e400"], "at most 9007199254740992"),
        (["list", "--limit", "0"], "from 1 to 1000000"),
        (["stop", "--grace", "1e300"], "from 0 to 2592000"),
        (["start", "--timeout=-1"], "from 0 to 3600"),
        (["submit", "s.yaml", "--start-sheet", "0"], "from 1 to 100000"),
        (["submit", "s.yaml", "--max-duration", "400d"], "at most 365d"),
        (["logs", "job", "--since=-4"], "from 0 to"),
    ] as [([String], String)])
    func outOfRangeNumbersAreUsageErrors(arguments: [String], limit: String) {
        let refused = refusal(arguments)
        #expect(refused?.code == 64, "\(arguments)")
        #expect(refused?.message.contains(limit) == true, "\(refused?.message ?? "accepted")")
    }

    @Test func ordinaryNumbersAndTextPass() {
        #expect(refusal(["wait", "job", "--timeout", "30"]) == nil)
        #expect(refusal(["run", "module", "--setting", "delay=1.5", "--setting", "name=inf", "--input", "id=0x10"]) == nil)
        #expect(refusal(["submit", "s.yaml", "--start-sheet", "3", "--max-duration", "2h"]) == nil)
    }
}
