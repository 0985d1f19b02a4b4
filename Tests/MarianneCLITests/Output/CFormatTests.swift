import Foundation
import Testing

@testable import MarianneCLI

struct CFormatTests {
    /// The same text as `String(format:)` for every format the CLI uses, ties and large
    /// values included.
    @Test func printsWhatStringFormatPrints() {
        let formats = ["%.0fms", "%.1f MB", "$%.4f", "cpu %.1f%%", "%.0f%%", "%.0fM", "%.1f/min"]
        let values: [Double] = [0, 0.5, 1.5, 2.5, 0.04999, 0.05, 123.456, 999.95, 1e-9, 1e15, 1e300, -3.25, .infinity, .nan]
        for format in formats {
            for value in values {
                #expect(CFormat.string(format, value) == String(format: format, value), "\(format) \(value)")
            }
        }
    }
}
