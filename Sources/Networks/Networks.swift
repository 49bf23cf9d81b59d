// The Networks module; see docs/architecture.md.
