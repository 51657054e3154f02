"""The tests' token signer: one Ed25519 key per test session, its public half in a JWKS file whose
file:// URL the services under test fetch, as they fetch the portal's /.well-known/jwks.json."""
from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path

from shared.signing import SigningKey, write_jwks

TEST_KEY = SigningKey.generate()
_KEYS_DIR = Path(tempfile.mkdtemp(prefix="cqs-test-keys-"))
atexit.register(shutil.rmtree, _KEYS_DIR, ignore_errors=True)
TEST_JWKS_URL = write_jwks(_KEYS_DIR / "jwks.json", TEST_KEY)
TEST_KEY_FILE = _KEYS_DIR / "signing-key.pem"
TEST_KEY_FILE.write_bytes(TEST_KEY.pem())
# A signer the services do not know: its tokens must be refused everywhere.
FOREIGN_KEY = SigningKey.generate()
