// The Smoothing module; see docs/architecture.md.
