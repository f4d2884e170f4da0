// Public API: filled in by the package's implementation.
export {}
