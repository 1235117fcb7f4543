"""PEP 541 name claims: a case with its own clock and evidence (its own app, label "claims")."""
