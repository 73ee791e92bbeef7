"""Layer 1, core: exact arithmetic (polynomials, cyclotomic numbers), signals, the
operations on them, the exact DFT and the named kernels.  Imports nothing above it."""
