import Foundation
import MarianneCore
import Testing

/// Placeholder values in validation commands cannot inject shell syntax in any quoting
/// context, and ordinary values give Marianne's text.
struct ShellSubstitutionTests {
    /// Runs `command` with bash and returns its standard output.
    func run(_ command: ShellCommand) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        process.arguments = ["-c", command.text]
        process.environment = ProcessInfo.processInfo.environment.merging(command.environment) { $1 }
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return String(decoding: data, as: UTF8.self)
    }

    static let hostile = [
        "/tmp/my ws", "a'b", "a\"b", "$(touch /tmp/mzt-injected)", "`id`", "x; rm -rf /nothing", "tab\there", "new\nline",
        "${HOME}", "\\", "'\"'\"'", "*", "", "-n", "ünïcode ☃",
    ]

    @Test(arguments: hostile)
    func everyContextKeepsTheValueLiteral(value: String) throws {
        let values = ["workspace": value]
        let contexts: [(String, String)] = [
            ("printf '%s|' {workspace}", value + "|"),
            ("printf '%s|' \"{workspace}\"", value + "|"),
            ("printf '%s|' \"pre-{workspace}-post\"", "pre-" + value + "-post|"),
            ("printf '%s|' '{workspace}'", value + "|"),
            ("printf '%s|' 'pre {workspace} post'", "pre " + value + " post|"),
            ("printf '%s|' $'{workspace}'", value + "|"),
            ("printf '%s|' \"$(printf '%s' {workspace})\"", value + "|"),
            ("printf '%s|' \"$(printf '%s' '{workspace}')\"", value + "|"),
            ("cat <<EOF\n{workspace}|\nEOF", value + "|\n"),
            ("cat <<'EOF'\n{workspace}|\nEOF", value + "|\n"),
        ]
        for (template, expected) in contexts {
            let command = ShellSubstitution.substitute(template, values: values)
            #expect(try run(command) == expected, "\(template) -> \(command.text)")
        }
        #expect(!FileManager.default.fileExists(atPath: "/tmp/mzt-injected"))
    }

    @Test func ordinaryValuesGiveMariannesText() {
        let values = ["workspace": "/home/me/ws-1", "sheet_num": "3"]
        let command = ShellSubstitution.substitute("test -f \"{workspace}/out-{sheet_num}.md\" && cat '{workspace}'", values: values)
        #expect(command.text == "test -f \"/home/me/ws-1/out-3.md\" && cat '/home/me/ws-1'")
        #expect(command.environment.isEmpty)
        #expect(ShellSubstitution.marianneText("cd {workspace} && ls", values: ["workspace": "/a b"]) == "cd '/a b' && ls")
    }

    @Test func otherBracesStayAsWritten() {
        let values = ["workspace": "/ws"]
        let text = "awk '{print $1}' {workspace}/f | jq '{a: .b}' && echo ${HOME} {} {nope} # {workspace}"
        #expect(ShellSubstitution.substitute(text, values: values).text
            == "awk '{print $1}' /ws/f | jq '{a: .b}' && echo ${HOME} {} {nope} # /ws")
    }

    @Test func valuesTravelInNamedVariables() {
        let command = ShellSubstitution.substitute("ls {workspace} {my-var}", values: ["workspace": "/a b", "my-var": "c d"])
        #expect(command.text == "ls \"${MZT_V_workspace}\" \"${MZT_V_6d792d766172}\"")
        #expect(command.environment == ["MZT_V_workspace": "/a b", "MZT_V_6d792d766172": "c d"])
    }

    @Test func aQuotedHereDocumentCannotBeEndedByAValue() throws {
        let command = ShellSubstitution.substitute("cat <<'EOF'\n{x}\nEOF\necho after", values: ["x": "one\nEOF\necho injected"])
        #expect(try run(command) == "one\nEOF \necho injected\nafter\n")
    }
}
