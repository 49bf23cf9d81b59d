// The Traces module; see docs/architecture.md.
