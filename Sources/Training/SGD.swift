import NumericCore

/// Stochastic gradient descent with momentum, in PyTorch's convention (`torch.optim.SGD`, dampening 0):
///
///     g ← ∇L + λ w                  (weight decay λ, on weights and biases alike, as PyTorch)
///     v ← μ v + g                   (v starts at 0, so the first step has v = g)
///     w ← w − η (g + μ v)  if Nesterov, else  w ← w − η v
public struct SGDConfiguration: Codable, Sendable, Equatable {
    /// η, the learning rate (> 0).
    public var learningRate: Double
    /// μ ∈ [0, 1).
    public var momentum: Double
    /// Nesterov momentum (needs μ > 0).
    public var nesterov: Bool
    /// λ ≥ 0.
    public var weightDecay: Double

    /// The settings η, μ, Nesterov and λ; the defaults are the paper's, η = 1e-4, μ = 0.9, no Nesterov, λ = 0.
    public init(learningRate: Double = 1e-4, momentum: Double = 0.9, nesterov: Bool = false, weightDecay: Double = 0) {
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
    }
}

/// The optimiser's state: the momentum buffer v, with the parameters' layout.
public final class SGD: @unchecked Sendable {
    /// The hyper-parameters.
    public let configuration: SGDConfiguration
    /// v, one entry per parameter.
    public let velocity: FloatBuffer

    /// An optimiser for `parameterCount` parameters, with v = 0.
    public init(_ configuration: SGDConfiguration, parameterCount: Int) {
        self.configuration = configuration
        self.velocity = FloatBuffer(count: parameterCount)
    }

    /// Threads that share the update (each element is updated by one thread, so results never depend on it).
    public var threads = 1

    /// One update of `parameters` from `gradients` (both flat, same layout as `velocity`), in one fused pass,
    /// split into `threads` contiguous chunks.
    public func step(parameters: FloatBuffer, gradients: FloatBuffer) {
        precondition(parameters.count == velocity.count && gradients.count == velocity.count)
        let n = velocity.count
        let chunks = n >= 1 << 16 ? max(1, threads) : 1
        let velocity = self.velocity
        ConcurrentWork.forEachRange(count: n, parts: chunks) { lo, hi in
            update(parameters.pointer + lo, gradients.pointer + lo, velocity.pointer + lo, hi - lo)
        }
    }

    @inline(__always)
    func update(_ w: UnsafeMutablePointer<Float>, _ g: UnsafeMutablePointer<Float>, _ v: UnsafeMutablePointer<Float>, _ n: Int) {
        let lr = Float(configuration.learningRate), mu = Float(configuration.momentum)
        let wd = Float(configuration.weightDecay)
        switch (configuration.nesterov, wd == 0) {
        case (false, true):
            for i in 0..<n { let vi = mu * v[i] + g[i]; v[i] = vi; w[i] -= lr * vi }
        case (false, false):
            for i in 0..<n { let gi = g[i] + wd * w[i]; let vi = mu * v[i] + gi; v[i] = vi; w[i] -= lr * vi }
        case (true, true):
            for i in 0..<n { let gi = g[i]; let vi = mu * v[i] + gi; v[i] = vi; w[i] -= lr * (gi + mu * vi) }
        case (true, false):
            for i in 0..<n {
                let gi = g[i] + wd * w[i]; let vi = mu * v[i] + gi; v[i] = vi; w[i] -= lr * (gi + mu * vi)
            }
        }
    }
}
