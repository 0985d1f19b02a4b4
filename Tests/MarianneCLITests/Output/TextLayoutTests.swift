@testable import MarianneCLI
import MarianneProtocol
import Testing

/// Tables, wrapping and truncation for terminals.
struct TextLayoutTests {
    @Test func wrappingBreaksBetweenWordsOnly() {
        let text = "They will be stopped and resumed from their checkpoints when the conductor starts again."
        let lines = TextWrap.wrap(text, width: 30)
        #expect(lines.allSatisfy { $0.count <= 30 })
        #expect(lines.joined(separator: " ") == text)
        #expect(TextWrap.wrap("short", width: 30) == ["short"])
        #expect(TextWrap.wrap(String(repeating: "x", count: 50) + " y", width: 20) == [String(repeating: "x", count: 50), "y"])
    }

    @Test func truncationEndsInAnEllipsis() {
        #expect(TextWrap.truncate("abcdefghij", to: 5) == "abcd…")
        #expect(TextWrap.truncate("abc", to: 5) == "abc")
    }

    @Test func aTableFitsItsWidthByShorteningOneColumn() {
        let rows = [[String(repeating: "i", count: 64), "running", "1/2"], ["short", "failed", "0/1"]]
        let table = Render.table(["ID", "STATUS", "PROGRESS"], rows, width: 40, shrink: 0)
        #expect(table.split(separator: "\n").allSatisfy { $0.count <= 40 }, "\(table)")
        #expect(table.contains("…"))
        #expect(Render.table(["ID", "STATUS", "PROGRESS"], rows).contains(String(repeating: "i", count: 64)))
    }

    @Test func stylesNeverCountAsWidth() {
        let table = Render.table(["A", "B"], [["x", "y"], ["long", "z"]]) { column, text in column == 0 ? "<\(text)>" : text }
        #expect(table == "A     B\n<x>     y\n<long>  z")
    }

    /// Columns are measured and filled in characters: a label with an emoji or a combining
    /// accent is neither cut nor misaligned.
    @Test func columnsCountCharactersNotCodeUnits() {
        let table = Render.table(["LABEL", "N"], [["👍👍", "1"], ["e\u{301}te\u{301}", "2"], ["plain", "3"]])
        #expect(table == "LABEL  N\n👍👍     1\ne\u{301}te\u{301}    2\nplain  3")
    }

    @Test func colourIsRefusedByNoColorAndDumbTerminals() {
        #expect(Palette.allowed(["TERM": "xterm"]))
        #expect(!Palette.allowed(["TERM": "xterm", "NO_COLOR": "1"]))
        #expect(Palette.allowed(["TERM": "xterm", "NO_COLOR": ""]))
        #expect(!Palette.allowed(["TERM": "dumb"]))
        #expect(Palette(enabled: false).status(.failed) == "failed")
        #expect(Palette(enabled: true).status(.failed) == "\u{1B}[31mfailed\u{1B}[0m")
    }

    @Test func moduleDescriptionsWrapUnderTheirColumn() {
        let rows = [["counter", "1.0", "exec", "n", "Counts from one to n, slowly, saving a result after each number so that a resume continues"]]
        let table = ModuleListCommand.render(rows, width: 60)
        let lines = table.split(separator: "\n")
        #expect(lines.count > 2)
        #expect(lines.allSatisfy { $0.count <= 60 }, "\(table)")
        let column = lines[0].range(of: "DESCRIPTION").map { lines[0].distance(from: lines[0].startIndex, to: $0.lowerBound) } ?? 0
        #expect(lines.dropFirst(2).allSatisfy { $0.prefix(column).allSatisfy { $0 == " " } })
    }
}
