"""The asymmetric key (Ed25519, JWS `EdDSA`) that signs access tokens, and its public half as a JWKS.

The portal signs with the private key; the services only ever see the public key set, which
they fetch from the portal's JWKS endpoint (or, in embedded mode and tests, from a file).
"""
from __future__ import annotations

import base64
import contextlib
import dataclasses
import hashlib
import json
import os
import tempfile
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

ALGORITHM = "EdDSA"


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


@dataclasses.dataclass(frozen=True)
class SigningKey:
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls) -> SigningKey:
        return cls(Ed25519PrivateKey.generate())

    @classmethod
    def from_pem(cls, data: bytes) -> SigningKey:
        key = serialization.load_pem_private_key(data, password=None)
        if not isinstance(key, Ed25519PrivateKey):
            raise ValueError("the signing key must be an Ed25519 private key (PEM, PKCS#8)")
        return cls(key)

    @classmethod
    def load(cls, path: Path) -> SigningKey:
        return cls.from_pem(Path(path).read_bytes())

    @classmethod
    def load_or_create(cls, path: Path) -> SigningKey:
        """The key in `path`, generated there first if missing. Processes starting together agree on one key:
        the file appears atomically (a hard link of a complete temporary file), so a loser reads the winner's."""
        path = Path(path)
        if not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
                handle.write(cls.generate().pem())
            os.chmod(handle.name, 0o600)
            with contextlib.suppress(FileExistsError):
                os.link(handle.name, path)
            os.unlink(handle.name)
        return cls.load(path)

    @property
    def public_key(self) -> Ed25519PublicKey:
        return self.private_key.public_key()

    def pem(self) -> bytes:
        return self.private_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption())

    def public_jwk(self) -> dict[str, str]:
        raw = self.public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        members = {"crv": "Ed25519", "kty": "OKP", "x": _b64url(raw)}
        # RFC 7638 thumbprint: the same key always has the same kid, a new key a new one.
        thumbprint = hashlib.sha256(json.dumps(members, separators=(",", ":"), sort_keys=True).encode()).digest()
        return {**members, "kid": _b64url(thumbprint), "use": "sig", "alg": ALGORITHM}

    @property
    def kid(self) -> str:
        return self.public_jwk()["kid"]


def jwks(*keys: SigningKey) -> dict:
    """The public key set: the current key first, then any retired key still within its tokens' lifetime."""
    return {"keys": [key.public_jwk() for key in keys]}


def write_jwks(path: Path, *keys: SigningKey) -> str:
    """Write the key set to `path` and answer its file:// URL (what the services fetch in embedded mode)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(jwks(*keys)))
    return path.resolve().as_uri()
