"""Experiments beyond the original article: an activation atlas and explorer data.

The modules train many small networks at once (:mod:`nonlinear.atlas.batched`) on
five two-dimensional data sets (:mod:`nonlinear.atlas.datasets`), analyse what they
learn (:mod:`nonlinear.atlas.analysis`), draw the figures
(:mod:`nonlinear.atlas.plotting`) and write the explorer's data files
(:mod:`nonlinear.atlas.explorer`). :mod:`nonlinear.atlas.registry` declares the
experiments.
"""
