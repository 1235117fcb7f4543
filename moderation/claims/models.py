"""Models of PEP 541 name claims."""
