"""Machine-facing HTTP APIs: upload, Simple, JSON, XML-RPC and file downloads. Thin views only."""
