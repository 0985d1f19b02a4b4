import BigInt
import Foundation

/// Python's format-spec mini-language: `[[fill]align][sign][#][0][width][,][.precision][type]`.
struct FormatSpec {
    var fill = " "
    var align = ""
    var sign = ""
    var alternate = false
    var width = 0
    var grouping = ""
    var precision: Int?
    var type = ""

    init(fill: String, align: String, sign: String, alternate: Bool, width: Int, grouping: String, precision: Int?, type: String) {
        self.fill = fill
        self.align = align
        self.sign = sign
        self.alternate = alternate
        self.width = width
        self.grouping = grouping
        self.precision = precision
        self.type = type
    }

    /// Parses the text after `:` in a `{}` field.
    init(parsing text: String) throws {
        var chars = Array(text)[...]
        func take() -> Character? { chars.popFirst() }
        if chars.count >= 2, "<>=^".contains(chars[chars.startIndex + 1]) {
            fill = String(take()!)
            align = String(take()!)
        } else if let first = chars.first, "<>=^".contains(first) {
            align = String(take()!)
        }
        if let first = chars.first, "+- ".contains(first) { sign = String(take()!) }
        if chars.first == "#" {
            alternate = true
            _ = take()
        }
        if chars.first == "0" {
            if align.isEmpty {
                fill = "0"
                align = "="
            }
            _ = take()
        }
        var digits = ""
        while let first = chars.first, first.isASCII, first.isNumber { digits.append(take()!) }
        width = digits.isEmpty ? 0 : Int(digits) ?? Int.max
        if let first = chars.first, first == "," || first == "_" { grouping = String(take()!) }
        if chars.first == "." {
            _ = take()
            var precisionDigits = ""
            while let first = chars.first, first.isASCII, first.isNumber { precisionDigits.append(take()!) }
            guard !precisionDigits.isEmpty else { throw TemplateFailure.type("Format specifier missing precision") }
            let value = Int(precisionDigits) ?? Int.max
            precision = value
        }
        if let first = take() { type = String(first) }
        guard chars.isEmpty else { throw TemplateFailure.type("Invalid format specifier '\(text)'") }
    }

    /// Formats one value.
    func apply(_ value: TemplateValue) throws -> String {
        guard width <= 1 << 20, (precision ?? 0) <= 1000 else {
            throw TemplateFailure(kind: .limit, message: "format width or precision too large (at most \(1 << 20) and 1000)")
        }
        var body: String
        var negative = false
        switch (value, type) {
        case (_, "s"), (.string, ""), (.markup, ""):
            guard value.stringValue != nil || type == "s" else { throw mismatch(value) }
            body = value.stringValue ?? value.pythonString
            if let precision { body = String(body.unicodeScalars.prefix(precision).map(Character.init)) }
            return pad(body, defaultAlign: "<")
        case (_, "c"):
            guard let code = TemplateRenderer.integer(value), let scalar = Unicode.Scalar(UInt32(clamping: max(0, code))) else { throw mismatch(value) }
            return pad(String(Character(scalar)), defaultAlign: "<")
        case (.int, ""), (.bigInt, ""), (.bool, ""), (_, "d"), (_, "x"), (_, "X"), (_, "o"), (_, "b"), (_, "n"):
            if case .bool(let flag) = value, type.isEmpty { return pad(flag ? "True" : "False", defaultAlign: ">") }
            guard let integer = value.bigIntegerValue else { throw mismatch(value) }
            negative = integer < 0
            let magnitude = integer.magnitude
            switch type {
            case "x": body = (alternate ? "0x" : "") + String(magnitude, radix: 16)
            case "X": body = (alternate ? "0X" : "") + String(magnitude, radix: 16).uppercased()
            case "o": body = (alternate ? "0o" : "") + String(magnitude, radix: 8)
            case "b": body = (alternate ? "0b" : "") + String(magnitude, radix: 2)
            default: body = group(String(magnitude))
            }
        case (.double, ""), (_, "f"), (_, "F"), (_, "e"), (_, "E"), (_, "g"), (_, "G"), (_, "%"):
            guard value.isNumber, let number = value.numberValue else { throw mismatch(value) }
            negative = number < 0 || (number == 0 && number.sign == .minus)
            body = floatBody(abs(number))
        default:
            throw mismatch(value)
        }
        let signText = negative ? "-" : sign == "-" ? "" : sign
        return pad(body, signText: signText, defaultAlign: ">")
    }

    private func mismatch(_ value: TemplateValue) -> TemplateFailure {
        .type("Unknown format code '\(type)' for object of type '\(value.pythonTypeName)'")
    }

    private func floatBody(_ number: Double) -> String {
        if number.isNaN { return type.uppercased() == type && !type.isEmpty && type != "%" ? "NAN" : "nan" }
        if number.isInfinite { return type.uppercased() == type && !type.isEmpty && type != "%" ? "INF" : "inf" }
        switch type {
        case "f", "F": return groupFixed(String(format: "%.\(precision ?? 6)f", number))
        case "e", "E":
            let text = String(format: "%.\(precision ?? 6)e", number)
            return type == "E" ? text.uppercased() : text
        case "%": return groupFixed(String(format: "%.\(precision ?? 6)f", number * 100)) + "%"
        case "g", "G":
            let text = String(format: alternate ? "%#.\(max(precision ?? 6, 1))g" : "%.\(max(precision ?? 6, 1))g", number)
            return type == "G" ? text.uppercased() : text
        default:
            guard let precision else { return groupFixed(PythonFormat.float(number)) }
            var text = String(format: "%.\(max(precision, 1))g", number)
            if !text.contains(".") && !text.contains("e") && !text.contains("n") && !text.contains("i") { text += ".0" }
            return text
        }
    }

    private func group(_ digits: String) -> String {
        guard !grouping.isEmpty else { return digits }
        var result = ""
        for (index, character) in digits.reversed().enumerated() {
            if index > 0 && index % 3 == 0 { result.append(grouping) }
            result.append(character)
        }
        return String(result.reversed())
    }

    private func groupFixed(_ text: String) -> String {
        guard !grouping.isEmpty else { return text }
        let parts = text.split(separator: ".", maxSplits: 1)
        return group(String(parts[0])) + (parts.count > 1 ? "." + parts[1] : "")
    }

    private func pad(_ body: String, signText: String = "", defaultAlign: String) -> String {
        let length = body.count + signText.count
        guard width > length else { return signText + body }
        let padding = width - length
        switch align.isEmpty ? defaultAlign : align {
        case "<": return signText + body + String(repeating: fill, count: padding)
        case "^":
            let left = padding / 2
            return String(repeating: fill, count: left) + signText + body + String(repeating: fill, count: padding - left)
        case "=": return signText + String(repeating: fill, count: padding) + body
        default: return String(repeating: fill, count: padding) + signText + body
        }
    }
}
