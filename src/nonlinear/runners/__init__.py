"""Functions that run one experiment each and write its figures.

Every runner has the signature ``run(experiment, output_dir, progress) -> dict``:
it writes the experiment's figures into ``output_dir`` and returns its metrics.
Runners live in separate modules so that an experiment's cache key covers only
the project modules that its runner imports.
"""
