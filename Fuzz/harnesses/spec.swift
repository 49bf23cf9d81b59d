// libFuzzer harness: the `--network SPEC` parser (Networks' NetworkSpec) and what the CLI does with a network
// before it trains: the architecture on each data set's input shape, its parameter layout, the memory estimate
// and check. A trap (an overflow, an index out of range) or a network accepted with shapes or a layout that do
// not add up is a bug; an ArchitectureError or ConfigurationError is the expected outcome.
import Networks
import Training

/// The input shapes of the data sets thermo reads (MNIST-like, CIFAR-10, STL-10) and a 1×1 one.
private let inputs = [TensorShape(channels: 1, height: 28, width: 28), TensorShape(channels: 3, height: 32, width: 32),
                      TensorShape(channels: 3, height: 96, width: 96), TensorShape(channels: 5, height: 1, width: 1)]

/// The libFuzzer entry point.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSpec(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    guard let stages = try? NetworkSpec.parseStages(text) else { return 0 }
    precondition(!stages.isEmpty, "an empty stage list was accepted")
    for input in inputs {
        guard let architecture = try? NetworkSpec.architecture(text, input: input) else { continue }
        // An accepted network: its shapes chain, its widths are the weight layers' outputs, its layout adds up.
        precondition(architecture.shapes.count == (architecture.isFullyConnected ? architecture.widths.count
                                                                                   : stages.count + 1))
        precondition(architecture.widths.allSatisfy { $0 > 0 }, "a width ≤ 0 accepted")
        let layout = architecture.layout
        precondition(layout.layers.count == architecture.layerCount, "layout and layer count differ")
        var offset = 0
        for layer in layout.layers {
            precondition(layer.weightOffset == offset, "weights not contiguous")
            offset = layer.biasOffset + layer.outputs
        }
        precondition(offset == layout.count, "the layout's count is not the sum of its layers")
        // The canonical SPEC parses back to the same network.
        if !architecture.isFullyConnected {
            let again = try? NetworkSpec.architecture(architecture.spec, input: input)
            precondition(again == architecture, "the canonical SPEC \(architecture.spec) does not parse back")
        }
        var configuration = TrainingConfiguration()
        configuration.architecture = architecture
        configuration.batchSize = 1 + Int(data[0]) * 4
        _ = configuration.estimatedMemory
        _ = try? configuration.checkMemory(physicalMemory: 24 << 30)
        _ = architecture.description
        _ = architecture.maxWidth
    }
    return 0
}
