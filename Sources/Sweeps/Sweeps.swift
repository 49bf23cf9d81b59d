// The Sweeps module; see docs/architecture.md.
