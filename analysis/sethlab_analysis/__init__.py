"""Analysis of sethlab results files: scaling-law fits, plots and reports.

The package reads the HDF5 layout of docs/results-format.md (schema_version 1) and answers one
question per experiment: does the measured time grow the way the theory says it must?
"""

__version__ = "0.1.0"
