import Testing
@testable import MarianneConductor

/// Which job ids a submission accepts: they name files and folders, so only a few ASCII
/// characters, never a leading dot, at most 64 of them.
struct JobIDTests {
    @Test(arguments: ["a", "job-1", "Build_2.x", "0", String(repeating: "z", count: 64), "a.b.c", "-dash"])
    func anIDOfLettersDigitsDotsDashesAndUnderscoresIsAccepted(_ id: String) throws {
        try JobSubmission.checkJobID(id)
    }

    @Test(arguments: [
        "", ".hidden", "..", "a/b", "a b", "tab\tid", "é", "ｆｕｌｌ", "e\u{301}", "a\nb", "semi;colon", "$(x)",
        String(repeating: "z", count: 65),
    ])
    func anyOtherIDIsRefusedWithWhatToUse(_ id: String) {
        #expect {
            try JobSubmission.checkJobID(id)
        } throws: { error in
            "\(error)".contains("use 1-64 letters, digits, '.', '_' or '-'")
        }
    }
}
