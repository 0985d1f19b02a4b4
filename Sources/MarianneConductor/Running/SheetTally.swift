import MarianneCore

/// What the scheduler needs to know of every sheet, taken in one pass over the checkpoint
/// each time a sheet finishes: which are done for the sheets after them (completed, or
/// skipped by their own rule), whether any failed, and whether any blocks its dependents.
struct SheetTally {
    private var done: [Bool]
    private let index: [Int: Int]
    private(set) var anyFailed = false
    /// A sheet failed, or was skipped because of another: its dependents must be skipped.
    private(set) var anyBlocking = false

    init(_ sheets: [SheetState], index: [Int: Int]) {
        self.index = index
        done = [Bool](repeating: false, count: sheets.count)
        for i in sheets.indices {
            switch sheets[i].status {
            case .completed: done[i] = true
            case .skipped:
                if sheets[i].skippedByRule == true { done[i] = true } else { anyBlocking = true }
            case .failed:
                anyFailed = true
                anyBlocking = true
            default: break
            }
        }
    }

    /// Whether every one of these sheets (by number) is done; an unknown number is not.
    func allDone(_ numbers: [Int]) -> Bool {
        numbers.allSatisfy { number in index[number].map { $0 < done.count && done[$0] } ?? false }
    }
}
