import Foundation

/// Writes a PGS (`.sup`) subtitle stream, the Blu-ray picture format, of one white box shown at given times; see the
/// segment layout in the Blu-ray "Presentation Graphic Stream" description (PCS, WDS, PDS, ODS, END).
enum PGSWriter {
    static func box(cues: [(Double, Double)], box: (x: Int, y: Int, width: Int, height: Int), canvas: (Int, Int) = (640, 360)) -> Data {
        var data = Data()
        for (number, (start, end)) in cues.enumerated() {
            let window = bytes(1, 0) + be16(box.x) + be16(box.y) + be16(box.width) + be16(box.height)
            // Epoch start, one object in window 0 at the box's corner.
            let show =
                be16(canvas.0) + be16(canvas.1) + [0x10] + be16(number * 2) + [0x80, 0, 0, 1] + be16(0) + [0, 0]
                + be16(box.x) + be16(box.y)
            let palette: [UInt8] = [0, 0, 1, 235, 128, 128, 255]  // entry 1: white, opaque
            // Each line: one run of colour 1 the box's width (long-run form), then end of line.
            let line: [UInt8] = [0, 0xC0 | UInt8(box.width >> 8), UInt8(box.width & 0xFF), 1, 0, 0]
            let pixels = Array([[UInt8]](repeating: line, count: box.height).joined())
            let length = pixels.count + 4
            let object =
                be16(0) + [0, 0xC0] + [UInt8(length >> 16), UInt8((length >> 8) & 0xFF), UInt8(length & 0xFF)]
                + be16(box.width) + be16(box.height) + pixels
            data +=
                segment(0x16, start, show) + segment(0x17, start, window) + segment(0x14, start, palette)
                + segment(0x15, start, object) + segment(0x80, start, [])
            // No objects: the box goes.
            let clear = be16(canvas.0) + be16(canvas.1) + [0x10] + be16(number * 2 + 1) + [0, 0, 0, 0]
            data += segment(0x16, end, clear) + segment(0x17, end, window) + segment(0x80, end, [])
        }
        return data
    }

    private static func segment(_ kind: UInt8, _ seconds: Double, _ payload: [UInt8]) -> Data {
        let pts = UInt32(seconds * 90000)
        let header: [UInt8] = [0x50, 0x47] + be32(pts) + be32(0) + [kind] + be16(payload.count)
        return Data(header + payload)
    }

    private static func bytes(_ values: UInt8...) -> [UInt8] { values }
    private static func be16(_ value: Int) -> [UInt8] { [UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)] }
    private static func be32(_ value: UInt32) -> [UInt8] { (0..<4).map { UInt8((value >> (24 - 8 * $0)) & 0xFF) } }
}
