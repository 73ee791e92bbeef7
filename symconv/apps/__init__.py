"""Layer 4, applications: expanded Hadamard-sum forms, the matrix view, CNN layers, the
probes of numerical libraries and the scipy-style wrappers.  They return data; only the
tiers of :mod:`symconv.prove` produce verdicts."""
