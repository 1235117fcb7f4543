"""Documents the read APIs send, built from rows and rendered to bytes: no request, no response."""
