"""Experiments and figures for the article on nonlinear activation functions.

The library computes (data sets, models, training, figures), the pipeline decides
what is stale and writes outputs atomically, and the MkDocs hook embeds the results
into the article. Heavy dependencies (TensorFlow, matplotlib) are imported only by
the modules that need them, so listing experiments or checking the cache stays fast.
"""

__version__ = "0.1.0"
