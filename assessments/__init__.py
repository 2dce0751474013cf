"""Pre-tests and post-tests: the question bank, attempts taken on phones, results and analysis.

An app of its own because tests have their own life (banks copied between batches, attempts,
item analysis) that the training domain in trainings/ only points at.
"""
