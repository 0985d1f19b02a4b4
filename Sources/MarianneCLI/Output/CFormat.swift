import Foundation

/// printf formatting of one number, as `String(format:)` gives it, through the C library
/// directly: `String(format:)` casts each argument at run time, and the first cast of a type
/// scans every protocol conformance of the binary (a fifth of a short command's work).
enum CFormat {
    /// `format` holds one conversion for a double (`%.1f`, `%.0fms`, `$%.4f`).
    static func string(_ format: String, _ value: Double) -> String {
        var buffer = [CChar](repeating: 0, count: 64)
        let count = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        guard count >= 0 else { return "" }
        if count >= buffer.count {
            buffer = [CChar](repeating: 0, count: Int(count) + 1)
            _ = withVaList([value]) { vsnprintf(&buffer, buffer.count, format, $0) }
        }
        return String(decoding: buffer.prefix(Int(count)).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
