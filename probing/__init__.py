"""Linear probes of hidden states for automaton states (scikit-learn)."""
