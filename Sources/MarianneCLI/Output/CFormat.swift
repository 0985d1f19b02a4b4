import CMarianneShims
import Foundation

/// printf formatting of one number, as `String(format:)` gives it, through the C library
/// directly: `String(format:)` (and `withVaList`) cast each argument at run time, and the
/// first cast of a type scans every protocol conformance of the binary, a fifth of a short
/// command's work.
enum CFormat {
    /// `format` holds one conversion for a double (`%.1f`, `%.0fms`, `$%.4f`).
    static func string(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = marianne_format_double(&buffer, UInt(buffer.count), format, value)
        guard count >= 0 else { return "" }
        if Int(count) >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(count) + 1)
            _ = marianne_format_double(&buffer, UInt(buffer.count), format, value)
        }
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
