"""Hyperparameter tuning with keras-tuner over the course's builders, optionally cross-validated."""
