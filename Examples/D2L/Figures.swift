import Ember
import Foundation

extension d2l {
    /// Where `show` writes figures: the folder `$D2L_FIGURES` names, or the current one.
    public static var figureDirectory: String { ProcessInfo.processInfo.environment["D2L_FIGURES"] ?? "." }

    /// Writes `figure` as `<name>.png` in `figureDirectory` and says where: what the originals'
    /// `plt.show()` becomes where there is no window to show it in.
    public static func show(_ figure: Figure, _ name: String) {
        let path = figureDirectory + "/" + name + ".png"
        do {
            try figure.savefig(path)
            print("figure written to \(path)")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(1)
        }
    }

    /// `y_vals` (and `y2_vals`, dotted) against `x_vals` with a log y axis, 3.5 × 2.5 inches,
    /// with `legend` naming the two curves. The book's `d2l.semilogy`, returning the figure for
    /// `show`.
    public static func semilogy(_ xVals: [Double], _ yVals: [Double], _ xLabel: String, _ yLabel: String,
                                _ x2Vals: [Double]? = nil, _ y2Vals: [Double]? = nil, _ legend: [String]? = nil,
                                figsize: (Double, Double) = (3.5, 2.5)) -> Figure {
        let figure = Figure(size: figsize)
        let ax = figure.subplot(1, 1, 1)
        ax.xlabel(xLabel)
        ax.ylabel(yLabel)
        ax.yscale(.log)
        ax.plot(xVals, yVals, label: legend?.first)
        if let x2Vals, let y2Vals {
            ax.plot(x2Vals, y2Vals, label: legend.flatMap { $0.count > 1 ? $0[1] : nil }, lineStyle: ":")
            ax.legend()
        }
        figure.tightLayout()
        return figure
    }
}

extension d2l {
    /// The figure that note 001's softmax-regression and MLP programs end with: 10 × 5 inches, the
    /// training loss per epoch in red on the left ("Loss Curve"), the training accuracy in green
    /// on the right ("Accuracy Curve"), each with its legend and grid.
    public static func lossAndAccuracyFigure(_ lossHistory: [Double], _ accHistory: [Double]) -> Figure {
        let epochs = lossHistory.count
        let fig = Figure(size: (10, 5))
        let lossPlot = fig.subplot(1, 2, 1)
        lossPlot.plot(1...epochs, lossHistory, label: "Train Loss", color: "red")
        lossPlot.xlabel("Epochs")
        lossPlot.ylabel("Loss")
        lossPlot.title("Loss Curve")
        lossPlot.legend()
        lossPlot.grid(true)
        let accPlot = fig.subplot(1, 2, 2)
        accPlot.plot(1...epochs, accHistory, label: "Train Accuracy", color: "green")
        accPlot.xlabel("Epochs")
        accPlot.ylabel("Accuracy")
        accPlot.title("Accuracy Curve")
        accPlot.legend()
        accPlot.grid(true)
        fig.tightLayout()
        return fig
    }
}

extension d2l {
    /// The book's text labels of Fashion-MNIST's classes. `d2l.get_fashion_mnist_labels`.
    public static func getFashionMNISTLabels(_ labels: [Int]) -> [String] {
        let textLabels = ["t-shirt", "trouser", "pullover", "dress", "coat",
                          "sandal", "shirt", "sneaker", "bag", "ankle boot"]
        return labels.map { textLabels[$0] }
    }

    /// Images `[N, 1, 28, 28]` in one row, each under its label, axes hidden: the book's
    /// `d2l.show_fashion_mnist(images, labels)` (12 inches wide), returning the figure for `show`.
    public static func showFashionMNIST(_ images: Tensor, _ labels: [String]) -> Figure {
        showImages(images.view(-1, 28, 28), titles: labels, rows: 1, scale: 12 / Double(images.shape[0]))
    }
}
