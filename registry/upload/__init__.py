"""The upload pipeline: pure steps that turn a twine request into a `ValidatedUpload`.

Filename rules (`filenames`), core-metadata parsing (`metadata`), description rendering
(`readme`) and archive inspection (`archives`) know nothing of HTTP or the database;
`registry.services.uploads` applies policy and writes rows, storage and the journal.
"""
