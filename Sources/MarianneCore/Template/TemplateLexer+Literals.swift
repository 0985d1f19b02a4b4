import BigInt
import Foundation

/// Number and string literals, with Python's syntax and escapes.
extension TemplateLexer {
    private func isDigit(_ scalar: Unicode.Scalar?) -> Bool {
        guard let scalar else { return false }
        return ("0"..."9").contains(scalar)
    }

    /// `(\d+_)*\d+` from `index`: the end offset, or nil.
    private func digitRun(_ index: Int, digit: (Unicode.Scalar?) -> Bool) -> Int? {
        guard digit(at(index)) else { return nil }
        var i = index
        while true {
            while digit(at(i)) { i += 1 }
            if at(i) == "_", digit(at(i + 1)) { i += 1 } else { return i }
        }
    }

    private func at(_ index: Int) -> Unicode.Scalar? { index < scalars.count ? scalars[index] : nil }

    private func slice(_ from: Int, _ to: Int) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: scalars[from..<to])
        return String(view)
    }

    private func lexError(_ message: String, at offset: Int) -> TemplateError {
        let place = TemplateSourceMap(scalars).position(offset)
        return TemplateError(kind: .syntax, message: message, line: place.line, column: place.column)
    }

    /// A float or integer literal at `i` (nil when none starts there).
    func lexNumber(at i: Int) throws -> (TemplateToken, Int)? {
        guard isDigit(at(i)) else { return nil }
        if i == 0 || scalars[i - 1] != ".", let end = floatEnd(i) {
            let text = slice(i, end).replacingOccurrences(of: "_", with: "")
            guard let value = Double(text) else { throw lexError("invalid float literal \(text)", at: i) }
            return (TemplateToken(kind: .float, text: text, float: value, offset: i), end)
        }
        let (end, radix) = integerEnd(i)
        var digits = slice(i, end).replacingOccurrences(of: "_", with: "")
        if radix != 10 { digits.removeFirst(2) }
        if let value = Int(digits, radix: radix) {
            return (TemplateToken(kind: .integer, text: slice(i, end), integer: value, offset: i), end)
        }
        guard let big = BigInt(digits, radix: radix), big.bitWidth <= TemplateValue.maxIntegerBits else {
            throw lexError("the integer \(slice(i, end).prefix(40)) is too large (more than 4,300 digits)", at: i)
        }
        return (TemplateToken(kind: .integer, text: slice(i, end), bigInteger: big, offset: i), end)
    }

    private func floatEnd(_ i: Int) -> Int? {
        guard let whole = digitRun(i, digit: isDigit) else { return nil }
        var end = whole
        var fraction = false
        if at(end) == ".", let after = digitRun(end + 1, digit: isDigit) {
            end = after
            fraction = true
        }
        if at(end) == "e" || at(end) == "E" {
            var j = end + 1
            if at(j) == "+" || at(j) == "-" { j += 1 }
            if let exponent = digitRun(j, digit: isDigit) { return exponent }
        }
        return fraction ? end : nil
    }

    private func integerEnd(_ i: Int) -> (Int, Int) {
        if at(i) == "0", let prefix = at(i + 1).map({ Character($0).lowercased() }) {
            let radix = prefix == "b" ? 2 : prefix == "o" ? 8 : prefix == "x" ? 16 : 0
            if radix != 0 {
                let valid: (Unicode.Scalar?) -> Bool = { scalar in
                    guard let scalar, let value = Int(String(Character(scalar)), radix: 16) else { return false }
                    return value < radix
                }
                var j = i + 2
                var any = false
                while true {
                    if at(j) == "_", valid(at(j + 1)) { j += 1 }
                    guard valid(at(j)) else { break }
                    j += 1
                    any = true
                }
                if any { return (j, radix) }
            }
            var j = i + 1
            while true {
                if at(j) == "_", at(j + 1) == "0" { j += 2 } else if at(j) == "0" { j += 1 } else { break }
            }
            return (j, 10)
        }
        return (digitRun(i, digit: isDigit) ?? i + 1, 10)
    }

    /// A quoted string literal at `i`; appends its token and returns the end offset.
    mutating func lexString(at i: Int, quote: Unicode.Scalar) throws -> Int {
        var j = i + 1
        var value = String.UnicodeScalarView()
        while true {
            guard let scalar = at(j) else { throw lexError("unexpected char \(quote == "'" ? "\"'\"" : "'\"'") at \(i)", at: i) }
            if scalar == quote { break }
            if scalar == "\\", let next = at(j + 1) {
                j = try decodeEscape(next, at: j + 1, into: &value)
                continue
            }
            value.append(scalar)
            j += 1
        }
        appendToken(TemplateToken(kind: .string, text: String(value), offset: i))
        return j + 1
    }

    /// Decodes the escape whose letter is at `index`; returns the offset after it.
    private func decodeEscape(_ letter: Unicode.Scalar, at index: Int, into value: inout String.UnicodeScalarView) throws -> Int {
        let simple: [Unicode.Scalar: Unicode.Scalar] = [
            "\\": "\\", "'": "'", "\"": "\"", "a": "\u{07}", "b": "\u{08}", "f": "\u{0C}", "n": "\n", "r": "\r", "t": "\t", "v": "\u{0B}",
        ]
        if let replacement = simple[letter] {
            value.append(replacement)
            return index + 1
        }
        if letter == "\n" { return index + 1 }
        if ("0"..."7").contains(letter) {
            var j = index
            var code: UInt32 = 0
            while j < index + 3, let digit = at(j), ("0"..."7").contains(digit) {
                code = code * 8 + (digit.value - 48)
                j += 1
            }
            value.append(Unicode.Scalar(code) ?? "\u{FFFD}")
            return j
        }
        let width = letter == "x" ? 2 : letter == "u" ? 4 : letter == "U" ? 8 : 0
        guard width > 0 else {
            value.append("\\")
            value.append(letter)
            return index + 1
        }
        guard index + width < scalars.count, let code = UInt32(slice(index + 1, index + 1 + width), radix: 16),
              let scalar = Unicode.Scalar(code) else {
            throw lexError("truncated \\\(letter) escape in a string", at: index - 1)
        }
        value.append(scalar)
        return index + 1 + width
    }
}
