"""Evaluating a model on data it was not trained on: hold-out, K-fold, iterated K-fold."""
