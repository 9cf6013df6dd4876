"""Reading declaration and roster workbooks into plain records and precise errors.

Nothing here imports Flask or opens a database session: the same code serves the web upload,
the command line, the scheduler and the benchmarks.
"""
