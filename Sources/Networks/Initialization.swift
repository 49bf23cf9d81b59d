import NumericCore

/// How the weights are initialised; biases always start at zero.
public enum Initialization: String, Codable, Sendable, CaseIterable {
    /// He et al. (2015), "fan-in" mode, normal law: W_ij ~ N(0, gain² / n_in), with gain = √2 for ReLU and 5/3
    /// for tanh on hidden layers and gain = 1 on the output layer (no nonlinearity follows it).
    /// This is `torch.nn.init.kaiming_normal_(W, mode="fan_in", nonlinearity=…)`.
    case kaimingNormal = "kaiming-normal"
    /// The same variance with a uniform law: W_ij ~ U(−b, b), b = gain·√(3 / n_in)
    /// (`torch.nn.init.kaiming_uniform_`).
    case kaimingUniform = "kaiming-uniform"
    /// PyTorch's default for `nn.Linear`: kaiming_uniform with a = √5, i.e. W_ij ~ U(−1/√n_in, 1/√n_in).
    case pytorchDefault = "pytorch-default"

    /// Fills `weights` (n_out × n_in) for a layer followed by `activation` (nil for the output layer).
    public func fill(_ weights: UnsafeMutablePointer<Float>, inputs: Int, outputs: Int, activation: Activation?,
                     random: inout RandomStream) {
        let gain = activation?.kaimingGain ?? 1
        let n = inputs * outputs
        switch self {
        case .kaimingNormal:
            let std = gain / Double(inputs).squareRoot()
            for i in 0..<n { weights[i] = Float(random.nextGaussian() * std) }
        case .kaimingUniform:
            let bound = Float(gain * (3.0 / Double(inputs)).squareRoot())
            for i in 0..<n { weights[i] = random.nextSymmetric(bound) }
        case .pytorchDefault:
            let bound = Float(1.0 / Double(inputs).squareRoot())
            for i in 0..<n { weights[i] = random.nextSymmetric(bound) }
        }
    }
}
