@testable import Ember
import Testing

@Suite struct ProgressBarTests {
    /// A bar whose output is collected and whose clock reads `time`.
    private final class Harness {
        var printed: [String] = []
        var time = 100.0
        func bar(total: Int, isTTY: Bool) -> ProgressBar {
            ProgressBar(total: total, label: "epoch 1/2", width: 10, isTTY: isTTY,
                        output: { self.printed.append($0) }, clock: { self.time })
        }
    }

    @Test func plainOutputPrintsATenthAtATime() {
        let h = Harness()
        let bar = h.bar(total: 20, isTTY: false)
        for _ in 0..<20 {
            h.time += 0.5
            bar.step(samples: 100, loss: 0.5, correct: 80)
        }
        bar.finish(summary: "test acc 0.7500")
        let lines = h.printed.joined().split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == 11)  // 9 progress lines, the final line, and the empty tail
        #expect(lines[0] == "epoch 1/2 [=>        ]  2/20  10% 200 samples/s ETA 0:09 loss 0.5000 acc 0.8000")
        #expect(lines[9] == "epoch 1/2 [==========] 20/20 200 samples/s in 0:10 loss 0.5000 acc 0.8000 test acc 0.7500")
        #expect(!h.printed.joined().contains("\r"))
    }

    @Test func terminalOutputRedrawsInPlace() {
        let h = Harness()
        let bar = h.bar(total: 4, isTTY: true)
        h.time += 1
        bar.step(samples: 10, loss: 2, correct: 5)
        h.time += 0.05  // too soon to redraw
        bar.step(samples: 10, loss: 1, correct: 10)
        h.time += 1
        bar.step(samples: 20, loss: 1, correct: 0)
        #expect(h.printed.count == 2)
        #expect(h.printed.allSatisfy { $0.hasPrefix("\r") && !$0.contains("\n") })
        #expect(h.printed[1].contains("3/4  75%"))
        #expect(h.printed[1].contains(String(format: "loss %.4f acc %.4f", 50.0 / 40, 15.0 / 40)))
        bar.finish()
        #expect(h.printed.last == "\n")
        #expect(bar.loss == 50.0 / 40 && bar.accuracy == 15.0 / 40)
    }

    @Test func durationsReadAsClockTimes() {
        #expect(ProgressBar.duration(4.4) == "0:04")
        #expect(ProgressBar.duration(754) == "12:34")
        #expect(ProgressBar.duration(3723) == "1:02:03")
    }
}
