"""Teacher-forced likelihood: each paradigm scored on the probability it gave each observed
decision (docs/likelihood.md). Modules: ``decisions`` (the decision table and schemas),
``fit`` (maximum-likelihood fits), ``recovery`` (parameter and model recovery)."""
