"""A multipart/form-data encoder that sends exactly what a test asks for (filenames untouched)."""

import uuid
from dataclasses import dataclass


@dataclass
class FilePart:
    filename: str
    content: bytes
    content_type: str | None = "application/octet-stream"


def encode(parts: list[tuple[str, str | FilePart]]) -> tuple[bytes, str]:
    """Body and Content-Type for `parts`, a list of (field name, text value or FilePart)."""
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    for name, value in parts:
        chunks.append(f"--{boundary}\r\n".encode())
        if isinstance(value, FilePart):
            disposition = f'form-data; name="{name}"; filename="{value.filename}"'
            chunks.append(f"Content-Disposition: {disposition}\r\n".encode("utf-8", "surrogateescape"))
            if value.content_type is not None:
                chunks.append(f"Content-Type: {value.content_type}\r\n".encode())
            chunks.append(b"\r\n" + value.content + b"\r\n")
        else:
            chunks.append(f'Content-Disposition: form-data; name="{name}"\r\n\r\n'.encode())
            chunks.append(value.encode("utf-8") + b"\r\n")
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"
