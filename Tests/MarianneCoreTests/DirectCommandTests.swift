import MarianneCore
import Testing

/// Which command lines run without bash: plain words only, never a keyword or builtin.
struct DirectCommandTests {
    @Test(arguments: [
        ("true", ["true"]),
        ("  make -j4 all  ", ["make", "-j4", "all"]),
        ("python3 tools/run.py --out=build/a.txt sheet-1", ["python3", "tools/run.py", "--out=build/a.txt", "sheet-1"]),
        ("cp\ta.txt b.txt", ["cp", "a.txt", "b.txt"]),
    ])
    func plainWordsRunDirectly(line: String, words: [String]) {
        #expect(DirectCommand.words(line) == words)
    }

    @Test(arguments: [
        "", "   ", "echo hi", "cd build", "exit 3", "export A=1", "A=1 make", "if true", "[ -e x ]", "test -e x",
        "ls *.txt", "cat a > b", "a | b", "a; b", "a && b", "echo $HOME", "cat ~/x", "printf '%s' x", "say \"hi\"",
        "a\nb", "sleep 1 &", "cat {a,b}", "ls #x", "(sub)", "echo `x`", "x\\ y",
    ])
    func anythingElseKeepsTheShell(line: String) {
        #expect(DirectCommand.words(line) == nil)
    }
}
