"""Thin command lines wiring automata -> ssm -> probing."""
