/// thermo's version: what `thermo --version` prints, and what every summary, checkpoint and trace records as the
/// thermo that wrote it. A program that records traces or checkpoints with the library passes it as their
/// `thermoVersion`.
public let thermoVersion = "0.1.0"
