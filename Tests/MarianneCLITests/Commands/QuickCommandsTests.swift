import Testing
@testable import MarianneCLI

/// Which command lines run before the argument parser (the rest go through it).
struct QuickCommandsTests {
    @Test func onlyTheQuickFormsSkipTheParser() {
        #expect(QuickCommands.parse(["submit", "a.yaml", "--id", "x", "--wait"]) == .init(command: "submit", operands: ["a.yaml"], wait: true, id: "x"))
        #expect(QuickCommands.parse(["submit", "a.yaml", "--id=x"])?.id == "x")
        #expect(QuickCommands.parse(["submit", "a.yaml", "--id", "--wait"]) == nil)
        #expect(QuickCommands.parse(["submit", "a.yaml", "--id", "x", "--id", "y"]) == nil)
        #expect(QuickCommands.parse(["submit", "-"]) == nil)
        #expect(QuickCommands.parse(["submit", "a.yaml", "--follow"]) == nil)
        #expect(QuickCommands.parse(["list", "--wait"]) == nil)
        #expect(QuickCommands.parse(["status", "j", "--id", "x"]) == nil)
        #expect(QuickCommands.parse(["cancel", "j"]) == nil)
    }
}
