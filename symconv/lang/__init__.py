"""Layer 2, language: the statement parser (:mod:`~symconv.lang.dsl`) and the claim model
with its TOML loader (:mod:`~symconv.lang.claims`).  Imports only core and errors."""
