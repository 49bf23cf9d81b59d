// The Figures module; see docs/architecture.md.
