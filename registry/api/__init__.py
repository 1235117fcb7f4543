"""REST API v1 of the registry: projects, releases, files, yanking, deletion, collaborators, invitations and
the journal (docs/api.md). The PyPI wire protocols (upload, Simple, JSON, XML-RPC) live in
`registry/protocols/`."""
